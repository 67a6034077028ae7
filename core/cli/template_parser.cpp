#include "template_parser.h"

#include <cctype>
#include <string>

#include "errors.h"
#include "template_functions.h"

// A recursive-descent parser over the actions of a template. The action text
// between "{{" and "}}" is split into tokens first; keywords (if, range,
// with, else, end) then decide how the surrounding nodes nest.
namespace berth::cli::tmpl {
namespace {

[[noreturn]] void fail(const std::string& message) { throw CliError("template parsing error: " + message); }

struct Token {
    enum class Kind { Word, Field, Variable, String, Number, Pipe, Open, Close, Declare, Assign, Comma } kind;
    std::string text;
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// ".A.B" starting at s[i]; returns the field names.
std::vector<std::string> read_fields(std::string_view s, std::size_t& i) {
    std::vector<std::string> fields;
    while (i < s.size() && s[i] == '.') {
        std::size_t j = i + 1;
        while (j < s.size() && is_word_char(s[j])) ++j;
        if (j == i + 1) break;  // a lone "." (dot itself)
        fields.emplace_back(s.substr(i + 1, j - i - 1));
        i = j;
    }
    return fields;
}

std::string join_fields(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) out += "." + f;
    return out;
}

std::string read_quoted(std::string_view s, std::size_t& i) {
    std::string out;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out += s[i];
            continue;
        }
        const char e = s[++i];
        switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            default: out += e; break;
        }
    }
    if (i >= s.size()) fail("unterminated quoted string");
    ++i;
    return out;
}

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            ++i;
        } else if (c == '|') {
            tokens.push_back({Token::Kind::Pipe, "|"});
            ++i;
        } else if (c == '(') {
            tokens.push_back({Token::Kind::Open, "("});
            ++i;
        } else if (c == ')') {
            tokens.push_back({Token::Kind::Close, ")"});
            ++i;
        } else if (c == ',') {
            tokens.push_back({Token::Kind::Comma, ","});
            ++i;
        } else if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') {
            tokens.push_back({Token::Kind::Declare, ":="});
            i += 2;
        } else if (c == '=') {
            tokens.push_back({Token::Kind::Assign, "="});
            ++i;
        } else if (c == '"') {
            tokens.push_back({Token::Kind::String, read_quoted(s, i)});
        } else if (c == '`') {
            const std::size_t end = s.find('`', i + 1);
            if (end == std::string_view::npos) fail("unterminated raw quoted string");
            tokens.push_back({Token::Kind::String, std::string(s.substr(i + 1, end - i - 1))});
            i = end + 1;
        } else if (c == '.') {
            const std::size_t start = i;
            const auto fields = read_fields(s, i);
            if (fields.empty()) ++i;  // "." alone
            tokens.push_back({Token::Kind::Field, std::string(s.substr(start, i - start))});
        } else if (c == '$') {
            std::size_t j = i + 1;
            while (j < s.size() && is_word_char(s[j])) ++j;
            const std::string name(s.substr(i, j - i));
            i = j;
            tokens.push_back({Token::Kind::Variable, name + join_fields(read_fields(s, i))});
        } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 || (c == '-' && i + 1 < s.size() &&
                                                                           std::isdigit(static_cast<unsigned char>(s[i + 1])) != 0)) {
            std::size_t j = i + 1;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) != 0 || s[j] == '.')) ++j;
            tokens.push_back({Token::Kind::Number, std::string(s.substr(i, j - i))});
            i = j;
        } else if (is_word_char(c)) {
            std::size_t j = i;
            while (j < s.size() && is_word_char(s[j])) ++j;
            tokens.push_back({Token::Kind::Word, std::string(s.substr(i, j - i))});
            i = j;
        } else {
            fail("unexpected \"" + std::string(1, c) + "\" in command");
        }
    }
    return tokens;
}

// "$x.A.B" or ".A.B" -> name and path.
void split_path(const std::string& text, std::string& name, std::vector<std::string>& path) {
    std::size_t i = 0;
    if (text[0] == '$') {
        while (i + 1 < text.size() && is_word_char(text[i + 1])) ++i;
        ++i;
        name = text.substr(0, i);
    }
    std::string_view rest(text);
    rest.remove_prefix(i);
    std::size_t j = 0;
    path = read_fields(rest, j);
}

class PipelineParser {
public:
    explicit PipelineParser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    Pipeline parse(bool allow_two_vars) {
        Pipeline pipe;
        parse_declaration(pipe, allow_two_vars);
        parse_commands(pipe);
        if (pos_ != tokens_.size()) fail("unexpected \"" + tokens_[pos_].text + "\" in command");
        return pipe;
    }

private:
    void parse_declaration(Pipeline& pipe, bool allow_two_vars) {
        auto is_var = [&](std::size_t at) {
            return at < tokens_.size() && tokens_[at].kind == Token::Kind::Variable &&
                   tokens_[at].text.find('.') == std::string::npos;
        };
        auto is_decl = [&](std::size_t at) {
            return at < tokens_.size() &&
                   (tokens_[at].kind == Token::Kind::Declare || tokens_[at].kind == Token::Kind::Assign);
        };
        if (is_var(0) && is_decl(1)) {
            pipe.declared = {tokens_[0].text};
            pos_ = 2;
        } else if (allow_two_vars && is_var(0) && pos_ + 1 < tokens_.size() &&
                   tokens_[1].kind == Token::Kind::Comma && is_var(2) && is_decl(3)) {
            pipe.declared = {tokens_[0].text, tokens_[2].text};
            pos_ = 4;
        }
    }

    void parse_commands(Pipeline& pipe) {
        for (;;) {
            Command cmd;
            while (pos_ < tokens_.size() && tokens_[pos_].kind != Token::Kind::Pipe &&
                   tokens_[pos_].kind != Token::Kind::Close)
                cmd.args.push_back(parse_term());
            if (cmd.args.empty()) fail("missing value for command");
            pipe.commands.push_back(std::move(cmd));
            if (pos_ < tokens_.size() && tokens_[pos_].kind == Token::Kind::Pipe) {
                ++pos_;
                continue;
            }
            return;
        }
    }

    Term parse_term() {
        const Token& t = tokens_[pos_++];
        Term term;
        switch (t.kind) {
            case Token::Kind::Field:
                term.kind = t.text == "." ? Term::Kind::Dot : Term::Kind::Field;
                split_path(t.text, term.name, term.path);
                return term;
            case Token::Kind::Variable:
                term.kind = Term::Kind::Variable;
                split_path(t.text, term.name, term.path);
                return term;
            case Token::Kind::String:
                term.kind = Term::Kind::Literal;
                term.literal = t.text;
                return term;
            case Token::Kind::Number:
                term.kind = Term::Kind::Literal;
                try {
                    if (t.text.find_first_of(".eE") != std::string::npos)
                        term.literal = std::stod(t.text);
                    else
                        term.literal = std::stoll(t.text, nullptr, 0);
                } catch (const std::exception&) {
                    fail("bad number syntax: \"" + t.text + "\"");
                }
                return term;
            case Token::Kind::Word:
                term.kind = Term::Kind::Literal;
                if (t.text == "true" || t.text == "false") {
                    term.literal = t.text == "true";
                } else if (t.text == "nil") {
                    term.literal = nullptr;
                } else {
                    if (!is_function(t.text)) fail("function \"" + t.text + "\" not defined");
                    term.kind = Term::Kind::Function;
                    term.name = t.text;
                }
                return term;
            case Token::Kind::Open: {
                term.kind = Term::Kind::Group;
                term.group = std::make_shared<Pipeline>();
                parse_commands(*term.group);
                if (pos_ >= tokens_.size() || tokens_[pos_].kind != Token::Kind::Close) fail("unclosed left paren");
                ++pos_;
                // "(pipeline).Field": the lexer glued the fields into one token.
                if (pos_ < tokens_.size() && tokens_[pos_].kind == Token::Kind::Field && tokens_[pos_].text != ".") {
                    std::string ignored;
                    split_path(tokens_[pos_++].text, ignored, term.path);
                }
                return term;
            }
            default:
                fail("unexpected \"" + t.text + "\" in operand");
        }
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

// The template cut into literal text and action bodies, with Go's trim
// markers ("{{- " and " -}}") applied and comments dropped.
struct Segment {
    bool action = false;
    std::string text;
};

std::vector<Segment> segments(std::string_view text) {
    std::vector<Segment> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t open = text.find("{{", pos);
        std::string literal(text.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos));
        if (open == std::string_view::npos) {
            if (!literal.empty()) out.push_back({false, literal});
            break;
        }
        std::size_t body = open + 2;
        if (text.compare(body, 2, "- ") == 0) {
            const auto last = literal.find_last_not_of(" \t\r\n");
            literal.erase(last == std::string::npos ? 0 : last + 1);
            body += 2;
        }
        if (!literal.empty()) out.push_back({false, literal});
        // The closing "}}" is the first one outside a quoted string.
        std::size_t i = body;
        char quote = 0;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (quote != 0) {
                if (c == '\\' && quote == '"') ++i;
                else if (c == quote) quote = 0;
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (text.compare(i, 2, "}}") == 0) {
                break;
            }
        }
        if (i >= text.size()) fail("unclosed action");
        std::size_t end = i;
        bool trim_after = false;
        if (end >= body + 2 && text.compare(end - 2, 2, " -") == 0) {
            end -= 2;
            trim_after = true;
        }
        std::string action(text.substr(body, end - body));
        const auto first = action.find_first_not_of(" \t\r\n");
        const bool comment = first != std::string::npos && action.compare(first, 2, "/*") == 0;
        if (!comment) out.push_back({true, action});
        pos = i + 2;
        if (trim_after) {
            while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])) != 0) ++pos;
        }
    }
    return out;
}

class TreeParser {
public:
    explicit TreeParser(std::vector<Segment> segments) : segments_(std::move(segments)) {}

    std::vector<Node> parse_all() {
        std::vector<Node> nodes;
        const std::string stop = parse_list(nodes);
        if (!stop.empty()) fail("unexpected {{" + stop + "}}");
        return nodes;
    }

private:
    // Parses nodes until {{end}} or {{else...}}; returns that keyword's
    // whole action text, or "" at the end of the template.
    std::string parse_list(std::vector<Node>& nodes) {
        while (pos_ < segments_.size()) {
            const Segment& seg = segments_[pos_++];
            if (!seg.action) {
                nodes.push_back(Node{Node::Kind::Text, seg.text, {}, {}, {}});
                continue;
            }
            std::vector<Token> tokens = tokenize(seg.text);
            if (tokens.empty()) fail("missing value for command");
            const std::string head = tokens.front().text;
            if (tokens.front().kind == Token::Kind::Word) {
                if (head == "end" || head == "else") return seg.text;
                if (head == "if" || head == "range" || head == "with") {
                    tokens.erase(tokens.begin());
                    nodes.push_back(parse_block(head, std::move(tokens)));
                    continue;
                }
                if (head == "define" || head == "template" || head == "block" || head == "break" ||
                    head == "continue")
                    fail("{{" + head + "}} is not supported by berth");
            }
            Node node;
            node.kind = Node::Kind::Action;
            node.pipe = PipelineParser(std::move(tokens)).parse(false);
            nodes.push_back(std::move(node));
        }
        return {};
    }

    Node parse_block(const std::string& keyword, std::vector<Token> tokens) {
        Node node;
        node.kind = keyword == "if" ? Node::Kind::If : keyword == "range" ? Node::Kind::Range : Node::Kind::With;
        if (tokens.empty()) fail("missing value for " + keyword);
        node.pipe = PipelineParser(std::move(tokens)).parse(keyword == "range");
        std::string stop = parse_list(node.body);
        if (stop.empty()) fail("unexpected EOF: {{" + keyword + "}} without {{end}}");
        std::vector<Token> stop_tokens = tokenize(stop);
        if (stop_tokens.front().text == "else") {
            if (stop_tokens.size() > 1) {
                // "{{else if x}}" / "{{else with x}}": a nested block that
                // shares this block's {{end}}.
                const std::string nested = stop_tokens[1].text;
                if (stop_tokens[1].kind != Token::Kind::Word || (nested != "if" && nested != "with"))
                    fail("unexpected \"" + nested + "\" after else");
                stop_tokens.erase(stop_tokens.begin(), stop_tokens.begin() + 2);
                node.else_body.push_back(parse_block(nested, std::move(stop_tokens)));
                return node;
            }
            stop = parse_list(node.else_body);
            if (stop.empty()) fail("unexpected EOF: {{" + keyword + "}} without {{end}}");
            stop_tokens = tokenize(stop);
        }
        if (stop_tokens.front().text != "end" || stop_tokens.size() != 1) fail("unexpected {{" + stop + "}}");
        return node;
    }

    std::vector<Segment> segments_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<Node> parse_template(std::string_view text) { return TreeParser(segments(text)).parse_all(); }

}  // namespace berth::cli::tmpl
