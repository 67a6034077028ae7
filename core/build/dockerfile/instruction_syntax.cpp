// instruction_syntax.cpp — keyword, flags and argument shapes of one
// instruction line, following moby/buildkit's splitCommand,
// extractBuilderFlags and line parsers (parseMaybeJSON, parseWords,
// parseNameVal, ...). See instruction_syntax.h.
#include "build/dockerfile/instruction_syntax.h"

#include "build/dockerfile/go_text.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace berth::build::detail {
namespace {

// reWhitespace in the parser: newlines cannot occur in a logical line.
bool is_split_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

std::vector<std::string> split_whitespace(std::string_view s) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    size_t start = 0;
    for (;;) {
        size_t end = start;
        while (end < s.size() && !is_split_space(s[end])) ++end;
        out.emplace_back(s.substr(start, end - start));
        if (end == s.size()) break;
        start = end;
        while (start < s.size() && is_split_space(s[start])) ++start;
        if (start == s.size()) { // regexp.Split leaves a last empty piece
            out.emplace_back();
            break;
        }
    }
    return out;
}

// Leading "--name[=value]" words; quotes and backslashes (always the
// backslash, whatever the escape directive says) are resolved. A bare
// "--" ends the flags. Returns the rest of the line.
std::string_view extract_flags(std::string_view line, std::vector<std::string> &flags) {
    size_t pos = 0;
    for (;;) {
        while (pos < line.size() && is_space(line[pos])) ++pos;
        if (pos == line.size()) return {};
        if (line.compare(pos, 2, "--") != 0) return line.substr(pos);
        std::string word;
        char quote = 0;
        while (pos < line.size()) {
            char ch = line[pos];
            if (quote == 0 && is_space(ch)) break;
            ++pos;
            if (quote == 0 && (ch == '\'' || ch == '"')) {
                quote = ch;
                continue;
            }
            if (quote != 0 && ch == quote) {
                quote = 0;
                continue;
            }
            if (ch == '\\') {
                if (pos == line.size()) break; // a trailing backslash is dropped
                ch = line[pos++];
            }
            word += ch;
        }
        if (word == "--") return pos < line.size() ? line.substr(pos) : std::string_view();
        if (!word.empty()) flags.push_back(std::move(word));
    }
}

struct JsonArgs {
    std::vector<std::string> strings;
};

// parseJSON: a JSON array of strings, or nullopt when the text is not a
// JSON array at all (the caller then reads it as shell form). An array
// holding anything but strings is an error, not shell form.
std::optional<JsonArgs> parse_json_array(std::string_view text, int line) {
    text = trim_left(text);
    if (text.empty() || text.front() != '[') return std::nullopt;
    const auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) return std::nullopt;
    JsonArgs out;
    for (const auto &element : parsed) {
        if (!element.is_string())
            throw DockerfileError(line, "when using JSON array syntax, arrays must be comprised of strings only");
        out.strings.push_back(element.get<std::string>());
    }
    return out;
}

void maybe_json(InstructionSyntax &s, std::string_view rest, int line) {
    if (rest.empty()) return;
    if (auto json = parse_json_array(rest, line)) {
        s.args = std::move(json->strings);
        s.json_form = true;
    } else {
        s.args.emplace_back(rest);
    }
}

void maybe_json_to_list(InstructionSyntax &s, std::string_view rest, int line) {
    if (auto json = parse_json_array(rest, line)) {
        s.args = std::move(json->strings);
        s.json_form = true;
    } else {
        s.args = split_whitespace(rest);
    }
}

// ENV and LABEL: `key=value ...`, or the legacy `key value words` when
// the first word has no "=".
void name_values(InstructionSyntax &s, std::string_view rest, const std::string &upper_keyword, char escape,
                 int line) {
    const auto words = split_words_keeping_quotes(rest, escape);
    if (words.empty()) return;
    if (words[0].find('=') == std::string::npos) {
        size_t key_end = 0;
        while (key_end < rest.size() && !is_split_space(rest[key_end])) ++key_end;
        if (key_end == rest.size()) throw DockerfileError(line, upper_keyword + " must have two arguments");
        size_t value_start = key_end;
        while (value_start < rest.size() && is_split_space(rest[value_start])) ++value_start;
        const std::string key(rest.substr(0, key_end));
        const std::string value(rest.substr(value_start));
        s.pairs.push_back({key, value, true});
        s.args = {key, value};
        return;
    }
    for (const auto &word : words) {
        const auto eq = word.find('=');
        if (eq == std::string::npos)
            throw DockerfileError(line, "Syntax error - can't find = in " + go_quote(word) +
                                            ". Must be of the form: name=value");
        s.pairs.push_back({word.substr(0, eq), word.substr(eq + 1), true});
    }
    s.args = words;
}

} // namespace

std::vector<std::string> split_words_keeping_quotes(std::string_view text, char escape) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, blank_ok = false;
    char quote = 0;
    auto finish = [&] {
        if (blank_ok || !word.empty()) words.push_back(word);
        word.clear();
        blank_ok = false;
        in_word = false;
    };
    for (size_t pos = 0; pos < text.size(); ++pos) {
        char ch = text[pos];
        if (!in_word && quote == 0) {
            if (is_space(ch)) continue;
            in_word = true;
        }
        if (quote == 0) {
            if (is_space(ch)) {
                finish();
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
            } else if (ch == escape) {
                if (pos + 1 == text.size()) continue; // an escape at the very end is dropped
                word += ch;
                ch = text[++pos];
            }
            word += ch;
            continue;
        }
        // Inside quotes: the escape character protects the next character,
        // except inside single quotes where nothing can be escaped.
        if (ch == quote) {
            quote = 0;
        } else if (ch == escape && quote != '\'') {
            if (pos + 1 == text.size()) {
                quote = 0;
                continue;
            }
            word += ch;
            ch = text[++pos];
        }
        word += ch;
    }
    if (in_word || quote != 0) finish();
    return words;
}

InstructionSyntax parse_instruction_syntax(std::string_view text, char escape, int line) {
    InstructionSyntax s;
    const std::string_view trimmed = trim(text);
    size_t keyword_end = 0;
    while (keyword_end < trimmed.size() && !is_split_space(trimmed[keyword_end])) ++keyword_end;
    s.keyword = to_lower(trimmed.substr(0, keyword_end));
    std::string_view rest;
    if (keyword_end < trimmed.size()) {
        size_t args_start = keyword_end;
        while (args_start < trimmed.size() && is_split_space(trimmed[args_start])) ++args_start;
        rest = trim(extract_flags(trimmed.substr(args_start), s.flag_words));
    }

    const std::string &k = s.keyword;
    if (k == "from" || k == "expose") {
        s.args = split_whitespace(rest);
    } else if (k == "add" || k == "copy" || k == "volume") {
        maybe_json_to_list(s, rest, line);
    } else if (k == "run" || k == "cmd" || k == "entrypoint" || k == "shell") {
        maybe_json(s, rest, line);
    } else if (k == "env" || k == "label") {
        name_values(s, rest, to_upper(k), escape, line);
    } else if (k == "arg") {
        s.args = split_words_keeping_quotes(rest, escape);
        // Pairs and their rule errors are made in instruction_rules.cpp.
    } else if (k == "maintainer" || k == "stopsignal" || k == "user" || k == "workdir") {
        if (!rest.empty()) s.args.emplace_back(rest);
    } else if (k == "healthcheck") {
        size_t type_end = 0;
        while (type_end < rest.size() && !is_space(rest[type_end])) ++type_end;
        if (type_end > 0) {
            s.args.emplace_back(rest.substr(0, type_end));
            InstructionSyntax command;
            maybe_json(command, trim_left(rest.substr(type_end)), line);
            s.json_form = command.json_form;
            s.args.insert(s.args.end(), command.args.begin(), command.args.end());
        }
    } else if (k == "onbuild") {
        if (!rest.empty()) {
            // The trigger is read (and its syntax checked) now, run later.
            const InstructionSyntax trigger = parse_instruction_syntax(rest, escape, line);
            s.trigger_keyword = trigger.keyword;
            s.args.emplace_back(rest);
        }
    }
    // Unknown keywords keep no arguments; instruction_rules.cpp refuses them.
    return s;
}

} // namespace berth::build::detail
