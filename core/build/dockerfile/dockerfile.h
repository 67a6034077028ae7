// dockerfile.h — a Dockerfile as the legacy (non-BuildKit) builder reads
// it: parser directives (`# escape=`, `# syntax=` ignored), comments, line
// continuations with the escape character, and one Instruction per
// instruction line with its flags and arguments still unexpanded. Variable
// substitution happens later, per step, with the build's ARG/ENV values
// (see word_expansion.h), because the values change as the build runs.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

// A Dockerfile the builder cannot use. what() is the whole message as the
// client shows it, naming the line and the instruction, e.g.
// "Dockerfile parse error line 3: unknown instruction: FRO" or
// "Dockerfile parse error line 5: COPY requires at least two arguments".
class DockerfileError : public std::runtime_error {
public:
    DockerfileError(int line, const std::string &message);
    int line() const { return line_; }

private:
    int line_;
};

// KEY=VALUE of ENV, LABEL and ARG, raw (quotes and $ still in place).
// ARG without "=" has has_value false; the legacy `ENV key value words`
// form is normalised to one pair.
struct KeyValue {
    std::string key;
    std::string value;
    bool has_value = true;
};

struct Instruction {
    std::string keyword;  // lower case: "from", "run", "copy", ...
    std::string original; // the instruction as written, continuations joined with the
                          // line breaks removed ("RUN a &&     b"), for "Step 2/5 : ..."
    int line = 0;         // 1-based line where it starts
    // Leading --name=value flags (--from, --chown, --chmod, --platform,
    // --interval, ...), raw. A flag given without "=value" maps to "".
    // Flags an instruction does not accept are a DockerfileError. Accepted:
    // FROM --platform; COPY --from --chown --chmod --link; ADD --chown
    // --chmod --link --keep-git-dir --checksum; HEALTHCHECK CMD --interval
    // --timeout --start-period --start-interval --retries (durations and
    // retries already checked: parse them with go_duration.h); RUN --mount
    // --network --security (BuildKit-only: the legacy builder must refuse
    // them when it runs the step). Docker never reads the flags of ARG,
    // STOPSIGNAL and HEALTHCHECK NONE, so these are dropped, not refused.
    std::map<std::string, std::string> flags;
    bool json_form = false; // the arguments were a JSON string array
    // JSON form: the array's strings. Shell form, as Docker splits it:
    // - RUN, CMD, ENTRYPOINT and the command of HEALTHCHECK CMD: one
    //   element, the rest of the line as written (none when empty);
    // - WORKDIR, USER, STOPSIGNAL, MAINTAINER: one element, the rest of the
    //   line ("WORKDIR /my dir" is the one path "/my dir");
    // - FROM, EXPOSE, COPY, ADD, VOLUME: split at EVERY blank, quotes not
    //   honoured (Docker needs the JSON form for a path with a blank);
    // - ENV, LABEL, ARG: split at unquoted blanks (see pairs).
    // Quotes, escapes and $ stay in place: expand each with expand_word.
    // EXPOSE's words come sorted, VOLUME's trimmed, as Docker keeps them.
    // FROM: {image} or {image, "AS", name} ("as" in any case).
    // HEALTHCHECK: args[0] is "NONE" or "CMD" (upper-cased); for CMD the command follows
    // in args[1..] as above (json_form tells which).
    // ONBUILD: args[0] is the trigger text ("RUN echo hi"), the original
    // line minus "ONBUILD "; its syntax is checked, its rules are not
    // (parse_instruction does that when the trigger runs).
    // MAINTAINER: args[0] is the rest of the line.
    std::vector<std::string> args;
    std::vector<KeyValue> pairs; // ENV, LABEL, ARG only (args then holds the raw words)
};

struct Dockerfile {
    char escape = '\\';
    // Every instruction in order, ARGs before the first FROM included.
    std::vector<Instruction> instructions;
};

// Throws DockerfileError for an unknown instruction, an empty file ("the
// Dockerfile cannot be empty" for zero bytes, at line 1 / "file with no
// instructions" at the last line), a malformed
// instruction (missing arguments, bad flag, JSON array expected), or
// anything other than ARG before the first FROM.
Dockerfile parse_dockerfile(std::string_view text);

// One instruction from an ONBUILD trigger or a `--change` line, at `line`
// for error messages (every error names that line). ONBUILD, FROM and
// MAINTAINER are refused as Docker refuses triggers ("FROM isn't allowed
// as an ONBUILD trigger", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't
// allowed"); text holding more than one instruction is an error too.
Instruction parse_instruction(std::string_view text, char escape = '\\', int line = 1);

} // namespace berth::build
