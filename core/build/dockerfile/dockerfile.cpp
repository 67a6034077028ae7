// dockerfile.cpp — parse_dockerfile and parse_instruction: lines first
// (dockerfile_lines.cpp), then the syntax of every instruction, then the
// rules of every instruction in order — the order in which Docker reports
// errors, so the same broken file names the same line here.
#include "build/dockerfile/dockerfile.h"

#include "build/dockerfile/dockerfile_lines.h"
#include "build/dockerfile/instruction_rules.h"
#include "build/dockerfile/instruction_syntax.h"

namespace berth::build {

DockerfileError::DockerfileError(int line, const std::string &message)
    : std::runtime_error("Dockerfile parse error line " + std::to_string(line) + ": " + message), line_(line) {}

namespace {

struct ReadLine {
    detail::LogicalLine logical;
    detail::InstructionSyntax syntax;
};

std::vector<ReadLine> read_syntax(const detail::DockerfileLines &lines) {
    std::vector<ReadLine> out;
    for (const auto &logical : lines.lines)
        out.push_back({logical, detail::parse_instruction_syntax(logical.text, lines.escape, logical.line)});
    return out;
}

} // namespace

Dockerfile parse_dockerfile(std::string_view text) {
    // Docker refuses a zero-byte Dockerfile before parsing it.
    if (text.empty()) throw DockerfileError(1, "the Dockerfile cannot be empty");
    const auto lines = detail::split_dockerfile_lines(text, '\\', true);
    auto read = read_syntax(lines);
    if (read.empty()) throw DockerfileError(lines.line_count, "file with no instructions");

    Dockerfile out;
    out.escape = lines.escape;
    bool in_stage = false;
    for (auto &r : read) {
        Instruction in =
            detail::apply_instruction_rules(std::move(r.syntax), std::move(r.logical.text), r.logical.line);
        if (in.keyword == "from") {
            in_stage = true;
        } else if (!in_stage && in.keyword != "arg") {
            throw DockerfileError(in.line, "no build stage in current context");
        }
        out.instructions.push_back(std::move(in));
    }
    return out;
}

Instruction parse_instruction(std::string_view text, char escape, int line) {
    // Every error is reported at the caller's line: the text is one
    // trigger or one --change value, whatever line breaks it holds.
    auto lines = detail::split_dockerfile_lines(text, escape, false);
    if (lines.lines.empty()) throw DockerfileError(line, "file with no instructions");
    if (lines.lines.size() > 1) throw DockerfileError(line, "expected one instruction, got " +
                                                             std::to_string(lines.lines.size()));
    auto &logical = lines.lines.front();
    auto syntax = detail::parse_instruction_syntax(logical.text, escape, line);
    const std::string keyword = syntax.keyword;
    if (keyword == "onbuild") throw DockerfileError(line, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (keyword == "from" || keyword == "maintainer")
        throw DockerfileError(line, (keyword == "from" ? "FROM" : "MAINTAINER") +
                                        std::string(" isn't allowed as an ONBUILD trigger"));
    return detail::apply_instruction_rules(std::move(syntax), std::move(logical.text), line);
}

} // namespace berth::build
