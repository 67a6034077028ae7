// instruction_syntax.h — the syntactic half of reading one instruction
// line (moby/buildkit parser's line parsers): keyword, leading --flags,
// and the arguments in the shape each instruction takes (JSON array,
// whitespace-split, quote-aware words, key=value pairs, rest of line).
// The per-instruction rules (argument counts, allowed flags) come after,
// in instruction_rules.cpp, because Docker reports every syntax error in
// the file before any rule error.
#pragma once

#include "build/dockerfile/dockerfile.h"

#include <string>
#include <string_view>
#include <vector>

namespace berth::build::detail {

struct InstructionSyntax {
    std::string keyword;                 // lower case, as written otherwise
    std::vector<std::string> flag_words; // "--name=value", quotes and backslashes resolved
    std::vector<std::string> args;
    bool json_form = false;
    std::vector<KeyValue> pairs;         // ENV, LABEL, ARG
    std::string trigger_keyword;         // ONBUILD: the trigger's keyword, lower case
};

// Throws DockerfileError(line, ...) for what Docker's parser itself
// refuses: a JSON array of non-strings, ENV/LABEL without "=" or value.
InstructionSyntax parse_instruction_syntax(std::string_view text, char escape, int line);

// Quote-aware split at whitespace keeping quotes and escapes in the words
// (parseWords), as ENV, LABEL and ARG are split.
std::vector<std::string> split_words_keeping_quotes(std::string_view text, char escape);

} // namespace berth::build::detail
