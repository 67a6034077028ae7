#include "json.hpp"

#include "strf.hpp"

#include <cstdlib>
#include <stdexcept>

namespace conformance {

const Json *Json::find(const std::string &key) const {
    for (const auto &m : members)
        if (m.first == key) return &m.second;
    return nullptr;
}

const char *kind_name(Json::Kind k) {
    switch (k) {
    case Json::Kind::null: return "null";
    case Json::Kind::boolean: return "boolean";
    case Json::Kind::number: return "number";
    case Json::Kind::string: return "string";
    case Json::Kind::array: return "array";
    case Json::Kind::object: return "object";
    }
    return "?";
}

namespace {

class Parser {
public:
    explicit Parser(std::string_view t) : t_(t) {}

    Json document() {
        Json v = value(0);
        ws();
        if (p_ != t_.size()) error("trailing characters after the value");
        return v;
    }

private:
    [[noreturn]] void error(const std::string &what) const {
        throw std::runtime_error(strf("at byte %zu: ", p_) + what);
    }
    void ws() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r')) ++p_;
    }
    char peek() {
        ws();
        if (p_ >= t_.size()) error("unexpected end of text");
        return t_[p_];
    }
    void expect(char c) {
        if (peek() != c) error(strf("expected '%c'", c));
        ++p_;
    }
    bool literal(std::string_view word) {
        if (t_.substr(p_, word.size()) != word) return false;
        p_ += word.size();
        return true;
    }

    Json value(int depth) {
        if (depth > 64) error("nested too deeply");
        Json v;
        char c = peek();
        if (c == '{') {
            v.kind = Json::Kind::object;
            ++p_;
            if (peek() == '}') { ++p_; return v; }
            for (;;) {
                if (peek() != '"') error("expected a string key");
                std::string key = string();
                expect(':');
                v.members.emplace_back(std::move(key), value(depth + 1));
                if (peek() == ',') { ++p_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Json::Kind::array;
            ++p_;
            if (peek() == ']') { ++p_; return v; }
            for (;;) {
                v.items.push_back(value(depth + 1));
                if (peek() == ',') { ++p_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Json::Kind::string;
            v.str = string();
            return v;
        }
        if (literal("true")) { v.kind = Json::Kind::boolean; v.boolean = true; return v; }
        if (literal("false")) { v.kind = Json::Kind::boolean; return v; }
        if (literal("null")) return v;
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = p_;
            if (t_[p_] == '-') ++p_;
            while (p_ < t_.size() && std::string_view("0123456789.eE+-").find(t_[p_]) != std::string_view::npos) ++p_;
            std::string num(t_.substr(start, p_ - start));
            char *end = nullptr;
            v.kind = Json::Kind::number;
            v.number = std::strtod(num.c_str(), &end);
            if (end == nullptr || *end != '\0') error("malformed number " + num);
            return v;
        }
        error(strf("unexpected character '%c'", c));
    }

    unsigned hex4() {
        if (p_ + 4 > t_.size()) error("truncated \\u escape");
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
            char h = t_[p_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
            else error("bad hex digit in \\u escape");
        }
        return cp;
    }

    static void utf8(std::string &out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string string() {
        expect('"');
        std::string out;
        for (;;) {
            if (p_ >= t_.size()) error("unterminated string");
            char c = t_[p_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) error("control character inside a string");
            if (c != '\\') { out += c; continue; }
            if (p_ >= t_.size()) error("unterminated escape");
            char e = t_[p_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (!literal("\\u")) error("lone high surrogate");
                    unsigned lo = hex4();
                    if (lo < 0xDC00 || lo >= 0xE000) error("bad low surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                utf8(out, cp);
                break;
            }
            default: error(strf("unknown escape \\%c", e));
            }
        }
    }

    std::string_view t_;
    size_t p_ = 0;
};

} // namespace

Json parse_json(std::string_view text) { return Parser(text).document(); }

} // namespace conformance
