// word_expansion.cpp — Docker's shell-word lexer (moby/buildkit
// frontend/dockerfile/shell, non-Windows): one left-to-right pass that
// removes quotes, applies the escape character and substitutes variables,
// building both the joined word and the whitespace-split words at once
// (variable values split, quoted text never does).
#include "build/dockerfile/word_expansion.h"

#include "build/dockerfile/go_text.h"

#include <cctype>

namespace berth::build {
namespace {

constexpr int kEnd = -1;

// The words of ProcessWords as they build up. A quoted part is added raw
// (its spaces stay), a variable's value char by char (its spaces split),
// and an empty word is never emitted, even for "" (Docker drops it too).
struct WordCollector {
    std::string word;
    std::vector<std::string> words;
    bool in_word = false;

    void add_char(char c) {
        if (detail::is_space(c)) {
            if (in_word && !word.empty()) {
                words.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
        } else {
            add_raw_char(c);
        }
    }
    void add_raw_char(char c) {
        word += c;
        in_word = true;
    }
    void add_string(std::string_view s) {
        for (const char c : s) add_char(c);
    }
    void add_raw_string(std::string_view s) {
        word += s;
        in_word = true;
    }
    std::vector<std::string> finish() {
        if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
            in_word = false;
        }
        return std::move(words);
    }
};

struct Processed {
    std::string word;
    std::vector<std::string> words;
};

class Lexer {
public:
    Lexer(std::string_view source, const VariableLookup &vars, char escape)
        : src_(source), vars_(vars), escape_(escape) {}

    Processed run() {
        try {
            return process_until(kEnd);
        } catch (const ExpansionError &e) {
            // Docker names the whole argument it failed on.
            throw ExpansionError("failed to process " + detail::go_quote(src_) + ": " + e.what());
        }
    }

private:
    int peek() const { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_]) : kEnd; }
    int next() { return pos_ < src_.size() ? static_cast<unsigned char>(src_[pos_++]) : kEnd; }

    // processStopOn: up to `stop` (consumed) or the end of the text.
    Processed process_until(int stop) {
        std::string result;
        WordCollector words;
        while (peek() != kEnd) {
            int ch = peek();
            if (stop != kEnd && ch == stop) {
                next();
                return {std::move(result), words.finish()};
            }
            if (ch == '$') {
                const std::string value = dollar();
                result += value;
                words.add_string(value);
            } else if (ch == '\'') {
                const std::string text = single_quoted();
                result += text;
                words.add_raw_string(text);
            } else if (ch == '"') {
                const std::string text = double_quoted();
                result += text;
                words.add_raw_string(text);
            } else {
                ch = next();
                if (ch == static_cast<unsigned char>(escape_)) {
                    ch = next();
                    if (ch == kEnd) break; // a trailing escape character vanishes
                    words.add_raw_char(static_cast<char>(ch));
                } else {
                    words.add_char(static_cast<char>(ch));
                }
                result += static_cast<char>(ch);
            }
        }
        if (stop != kEnd)
            throw ExpansionError(std::string("unexpected end of statement while looking for matching ") +
                                 static_cast<char>(stop));
        return {std::move(result), words.finish()};
    }

    std::string single_quoted() {
        next(); // the opening quote
        std::string out;
        for (;;) {
            const int ch = next();
            if (ch == kEnd) throw ExpansionError("unexpected end of statement while looking for matching single-quote");
            if (ch == '\'') return out;
            out += static_cast<char>(ch);
        }
    }

    // Inside "...": $ substitutes; the escape character escapes only ", $
    // and itself and otherwise stays as written.
    std::string double_quoted() {
        next(); // the opening quote
        std::string out;
        for (;;) {
            const int peeked = peek();
            if (peeked == kEnd)
                throw ExpansionError("unexpected end of statement while looking for matching double-quote");
            if (peeked == '"') {
                next();
                return out;
            }
            if (peeked == '$') {
                out += dollar();
                continue;
            }
            int ch = next();
            if (ch == static_cast<unsigned char>(escape_)) {
                const int after = peek();
                if (after == kEnd) continue; // reported as the missing quote
                if (after == '"' || after == '$' || after == static_cast<unsigned char>(escape_)) ch = next();
            }
            out += static_cast<char>(ch);
        }
    }

    static bool is_special_parameter(int ch) {
        switch (ch) {
        case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
            return true;
        default:
            return false;
        }
    }

    // A name: digits only when it starts with one ($1), one special
    // parameter character ($$, $#), or letters, digits and '_'.
    std::string name() {
        std::string out;
        if (peek() != kEnd && std::isdigit(peek())) {
            while (peek() != kEnd && std::isdigit(peek())) out += static_cast<char>(next());
            return out;
        }
        if (is_special_parameter(peek())) return std::string(1, static_cast<char>(next()));
        while (peek() != kEnd && (std::isalnum(peek()) || peek() == '_')) out += static_cast<char>(next());
        return out;
    }

    std::optional<std::string> lookup(const std::string &variable) const {
        return vars_ ? vars_(variable) : std::nullopt;
    }

    std::string dollar() {
        next(); // '$'
        if (peek() != '{') {
            const std::string variable = name();
            if (variable.empty()) return "$"; // "$" before a non-name character is literal
            return lookup(variable).value_or("");
        }
        next(); // '{'
        switch (peek()) {
        case kEnd:
            throw ExpansionError("syntax error: missing '}'");
        case '{': case '}': case ':':
            throw ExpansionError("syntax error: bad substitution");
        default:
            break;
        }
        const std::string variable = name();
        int ch = next();
        if (ch == '}') return lookup(variable).value_or("");
        if (ch == kEnd) throw ExpansionError("syntax error: missing '}'");

        std::string modifier(1, static_cast<char>(ch));
        bool empty_is_unset = false;
        if (ch == ':') {
            empty_is_unset = true;
            ch = next();
            if (ch != kEnd) modifier += static_cast<char>(ch);
        }
        if (ch != '+' && ch != '-' && ch != '?' && !empty_is_unset)
            throw ExpansionError("unsupported modifier (" + modifier + ") in substitution");

        // The word is expanded itself (quotes, escapes, variables), up to '}'.
        std::string word;
        try {
            word = process_until('}').word;
        } catch (const ExpansionError &) {
            if (peek() == kEnd) throw ExpansionError("syntax error: missing '}'");
            throw;
        }

        const std::optional<std::string> value = lookup(variable);
        const bool unset = !value || (empty_is_unset && value->empty());
        switch (ch) {
        case '-':
            return unset ? word : *value;
        case '+':
            return unset ? std::string() : word;
        case '?':
            if (!value) throw ExpansionError(variable + ": " + (word.empty() ? "is not allowed to be unset" : word));
            if (unset) throw ExpansionError(variable + ": " + (word.empty() ? "is not allowed to be empty" : word));
            return *value;
        default:
            throw ExpansionError("unsupported modifier (" + modifier + ") in substitution");
        }
    }

    std::string_view src_;
    size_t pos_ = 0;
    const VariableLookup &vars_;
    char escape_;
};

} // namespace

VariableLookup lookup_in(const std::vector<std::string> &env) {
    std::map<std::string, std::string> vars;
    for (const auto &entry : env) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos)
            vars[entry] = ""; // a bare name is set and empty, as Docker's BuildEnvs has it
        else
            vars[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return lookup_in(vars);
}

VariableLookup lookup_in(const std::map<std::string, std::string> &vars) {
    return [vars](const std::string &variable) -> std::optional<std::string> {
        const auto it = vars.find(variable);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string expand_word(std::string_view word, const VariableLookup &vars, char escape) {
    return Lexer(word, vars, escape).run().word;
}

std::vector<std::string> expand_words(std::string_view text, const VariableLookup &vars, char escape) {
    return Lexer(text, vars, escape).run().words;
}

} // namespace berth::build
