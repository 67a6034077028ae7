// dockerignore.h — .dockerignore files with Docker's rules (moby's
// patternmatcher): one pattern a line, "#" comments, blank lines skipped,
// each pattern cleaned like filepath.Clean with a leading "/" dropped,
// "*", "?", "[...]" and "\\" as in Go's filepath.Match plus "**" for any
// number of directories, "!" for an exception, and the last matching
// pattern deciding. A pattern matching a directory excludes everything
// below it ("dir" excludes "dir/a/b").
//
// Shared by the berth CLI (which applies it before sending the context, as
// the docker CLI does) and berthd (which applies it again to a context that
// did not come from a CLI that did).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

class IgnoreMatcher {
public:
    IgnoreMatcher() = default; // ignores nothing
    // Throws std::invalid_argument naming the bad pattern ("syntax error in
    // pattern").
    static IgnoreMatcher parse(std::string_view dockerignore_text);
    explicit IgnoreMatcher(std::vector<std::string> patterns);

    // path: relative to the context root, "/"-separated, no leading "/"
    // ("src/a.txt"). Whether the file or directory is excluded.
    bool excluded(std::string_view path) const;
    // Whether an excluded directory may still hold something an exception
    // pattern brings back, so a walk has to descend into it.
    bool may_include_below(std::string_view dir) const;
    bool empty() const { return patterns_.empty(); }
    // A copy with "!path" exceptions appended for each path: what the docker
    // CLI does so the Dockerfile and .dockerignore are sent even if ignored.
    IgnoreMatcher with_exceptions(const std::vector<std::string> &paths) const;

private:
    struct Pattern {
        std::string text; // cleaned, without "!"
        bool exception = false;
    };
    std::vector<Pattern> patterns_;
};

} // namespace berth::build
