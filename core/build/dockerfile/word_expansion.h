// word_expansion.h — Docker's shell-word processing for Dockerfile
// arguments (moby's shell.Lex): quotes, the escape character and
// environment substitution in one pass, applied to ADD, COPY, ENV, EXPOSE,
// FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG and the flags of
// COPY/ADD (--chown, --chmod, --from). RUN, CMD and ENTRYPOINT are not
// expanded: the container's shell does that.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

// A bad word: unterminated quote or ${, "${VAR:?message}" with VAR unset,
// a bad substitution ("${}" / "${a b}"). what() is the message Docker gives
// (the caller adds the line).
class ExpansionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The value of a variable, nullopt when unset (distinct from "").
using VariableLookup = std::function<std::optional<std::string>(const std::string &name)>;

// A lookup over "KEY=VALUE" strings (the last one for a key wins), as an
// image's Env is stored.
VariableLookup lookup_in(const std::vector<std::string> &env);
VariableLookup lookup_in(const std::map<std::string, std::string> &vars);

// One word: 'single quotes' literal, "double quotes" with $ and the escape
// character active inside, the escape character outside quotes making the
// next character literal, $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:+word}, ${NAME+word}, ${NAME:?message}, ${NAME?message}; an
// unknown variable expands to "". Quotes are removed. Names are ASCII
// letters, digits and '_' ($1 digits only; $$ $# $? ... one character).
// BuildKit's newer ${NAME#pat} ${NAME%pat} ${NAME/a/b} are refused with
// Docker's "unsupported modifier (#) in substitution". Errors read as
// Docker's: `failed to process "${X:?}": X: is not allowed to be empty`.
std::string expand_word(std::string_view word, const VariableLookup &vars, char escape = '\\');

// Expand and split a whole argument string at unquoted whitespace, as
// Docker's ProcessWords: an unquoted variable's value splits at its own
// whitespace too, quoted text never does: "a $B 'c d' \"$B\"" with B="x y"
// → {"a", "x", "y", "c d", "x y"}.
std::vector<std::string> expand_words(std::string_view text, const VariableLookup &vars, char escape = '\\');

} // namespace berth::build
