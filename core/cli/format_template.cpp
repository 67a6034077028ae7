#include "format_template.h"

#include <cctype>

#include "errors.h"
#include "json_text.h"

namespace berth::cli {
namespace {

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
            out += s[i + 1] == 't' ? '\t' : '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

[[noreturn]] void unsupported(std::string_view action) {
    throw CliError("template parsing error: unsupported action {{" + std::string(action) +
                   "}}; berth supports {{.Field}}, {{.A.B}} and {{json .Field}}");
}

// ".A.B" -> {"A","B"}; "." -> {}.
std::vector<std::string> parse_path(std::string_view action, std::string_view text) {
    if (text.empty() || text.front() != '.') unsupported(action);
    std::vector<std::string> path;
    if (text == ".") return path;
    std::size_t start = 1;
    for (;;) {
        const std::size_t dot = text.find('.', start);
        std::string name(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (name.empty()) unsupported(action);
        for (const char c : name)
            if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') unsupported(action);
        path.push_back(std::move(name));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return path;
}

const nlohmann::json* lookup(const nlohmann::json& value, const std::vector<std::string>& path) {
    const nlohmann::json* node = &value;
    for (const auto& key : path) {
        if (!node->is_object()) return nullptr;
        const auto it = node->find(key);
        if (it == node->end()) return nullptr;
        node = &*it;
    }
    return node;
}

}  // namespace

std::string go_value_text(const nlohmann::json& value) {
    if (value.is_null()) return "<no value>";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) out += (i ? " " : "") + go_value_text(value[i]);
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "map[";
        bool first = true;
        for (const auto& item : value.items()) {
            out += (first ? "" : " ") + item.key() + ":" + go_value_text(item.value());
            first = false;
        }
        return out + "]";
    }
    return value.dump();
}

FormatTemplate::FormatTemplate(std::string_view format) {
    std::string text(format);
    if (trim(text) == "json") {
        pieces_.push_back(Piece{Piece::Kind::Json, {}, {}});
        return;
    }
    if (text.rfind("table", 0) == 0 && (text.size() == 5 || text[5] == ' ')) {
        table_ = true;
        text.erase(0, 5);
    }
    text = unescape(table_ ? trim(text) : text);

    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string::npos) {
            pieces_.push_back(Piece{Piece::Kind::Text, text.substr(pos), {}});
            break;
        }
        if (open > pos) pieces_.push_back(Piece{Piece::Kind::Text, text.substr(pos, open - pos), {}});
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string::npos) throw CliError("template parsing error: unclosed action in \"" + text + "\"");
        const std::string action = trim(std::string_view(text).substr(open + 2, close - open - 2));
        if (action.rfind("json ", 0) == 0)
            pieces_.push_back(Piece{Piece::Kind::Json, {}, parse_path(action, trim(action.substr(5)))});
        else
            pieces_.push_back(Piece{Piece::Kind::Field, {}, parse_path(action, action)});
        pos = close + 2;
    }
}

std::string FormatTemplate::render(const nlohmann::json& value) const {
    std::string out;
    for (const auto& piece : pieces_) {
        switch (piece.kind) {
            case Piece::Kind::Text:
                out += piece.text;
                break;
            case Piece::Kind::Field: {
                const nlohmann::json* found = lookup(value, piece.path);
                out += found == nullptr ? "<no value>" : go_value_text(*found);
                break;
            }
            case Piece::Kind::Json: {
                const nlohmann::json* found = lookup(value, piece.path);
                out += found == nullptr ? "null" : dump_json(*found);
                break;
            }
        }
    }
    return out;
}

std::string FormatTemplate::header(const std::map<std::string, std::string>& titles) const {
    std::string out;
    for (const auto& piece : pieces_) {
        if (piece.kind == Piece::Kind::Text) {
            out += piece.text;
            continue;
        }
        const std::string field = piece.path.empty() ? std::string() : piece.path.back();
        const auto it = titles.find(field);
        if (it != titles.end()) {
            out += it->second;
        } else {
            std::string upper = field;
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            out += upper;
        }
    }
    return out;
}

}  // namespace berth::cli
