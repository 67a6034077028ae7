// dockerfile_lines.h — the first pass over a Dockerfile: parser directives,
// comments, blank lines and continuations turned into logical instruction
// lines, each with the line it starts on. Nothing about instructions yet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::build::detail {

struct LogicalLine {
    int line = 0;     // 1-based line where the instruction starts
    std::string text; // continuations joined, escape characters at line ends removed
};

struct DockerfileLines {
    char escape = '\\';
    std::vector<LogicalLine> lines;
    int line_count = 0; // physical lines read, for "file with no instructions"
};

// `read_directives` false reads an ONBUILD trigger or a --change line,
// where a "# escape=" line is just a comment. Throws DockerfileError for a
// repeated or invalid directive.
DockerfileLines split_dockerfile_lines(std::string_view text, char escape, bool read_directives);

} // namespace berth::build::detail
