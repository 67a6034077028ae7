// dockerfile_lines.cpp — splits a Dockerfile into logical instruction lines
// the way moby/buildkit's parser.Parse does: directives only before any
// other line, comment lines dropped (also inside a continued instruction),
// the escape character plus trailing blanks at a line's end continuing it,
// whitespace-only continuation lines skipped, CRLF and a UTF-8 BOM tolerated.
#include "build/dockerfile/dockerfile_lines.h"

#include "build/dockerfile/dockerfile.h"
#include "build/dockerfile/go_text.h"

#include <regex>
#include <set>

namespace berth::build::detail {
namespace {

// Physical lines as Go's bufio.ScanLines yields them: split at '\n', one
// '\r' before it dropped, no empty last line after a final newline.
std::vector<std::string_view> physical_lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

bool is_comment(std::string_view line) {
    line = trim_left(line);
    return !line.empty() && line.front() == '#';
}

class DirectiveReader {
public:
    DirectiveReader(char escape, bool active) : escape_(escape), done_(!active) {}

    char escape() const { return escape_; }

    // Looks at one (left-trimmed) line while directives may still appear;
    // the first line that is not a known directive ends them for good.
    void see(std::string_view line, int line_number) {
        if (done_) return;
        static const std::regex directive(R"(^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$)");
        std::match_results<std::string_view::const_iterator> m;
        if (!std::regex_match(line.begin(), line.end(), m, directive)) {
            done_ = true;
            return;
        }
        const std::string key = to_lower(m[1].str());
        if (key != "escape" && key != "syntax") {
            done_ = true;
            return;
        }
        if (!seen_.insert(key).second)
            throw DockerfileError(line_number, "only one " + key + " parser directive can be used");
        if (key == "escape") {
            const std::string value = m[2].str();
            if (value != "`" && value != "\\")
                throw DockerfileError(line_number, "invalid escape token '" + value + "' does not match ` or \\");
            escape_ = value[0];
        }
    }

private:
    char escape_;
    bool done_;
    std::set<std::string> seen_;
};

// A line ending in the escape character (blanks after it allowed) goes on
// to the next line; the character and those blanks are removed.
bool strip_continuation(std::string &line, char escape) {
    size_t end = line.size();
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    if (end == 0 || line[end - 1] != escape) return false;
    line.erase(end - 1);
    return true;
}

} // namespace

DockerfileLines split_dockerfile_lines(std::string_view text, char escape, bool read_directives) {
    const auto lines = physical_lines(text);
    DirectiveReader directives(escape, read_directives);
    DockerfileLines out;
    size_t i = 0;
    auto take = [&](bool first_of_instruction) {
        std::string_view raw = lines[i];
        if (i == 0 && raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);
        ++i;
        if (first_of_instruction) raw = trim_left(raw);
        directives.see(raw, int(i));
        return raw;
    };

    while (i < lines.size()) {
        std::string_view first = take(true);
        const int start = int(i);
        std::string line = first.empty() || first.front() != '#' ? std::string(first) : std::string();
        bool continued = strip_continuation(line, directives.escape());
        if (!continued && line.empty()) continue; // blank line, comment or directive

        while (continued && i < lines.size()) {
            const std::string_view raw = take(false);
            if (is_comment(raw)) continue;          // comments inside an instruction are dropped
            if (trim_left(raw).empty()) continue;   // Docker warns about these, then skips them
            std::string part(raw);
            continued = strip_continuation(part, directives.escape());
            line += part;
        }
        out.lines.push_back({start, std::move(line)});
    }
    out.escape = directives.escape();
    out.line_count = int(lines.size());
    return out;
}

} // namespace berth::build::detail
