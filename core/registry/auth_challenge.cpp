#include "registry/auth_challenge.h"

#include <cctype>

namespace berth::registry {
namespace {

// RFC 7230 tchar.
bool is_tchar(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

// A cursor over the header value.
class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}

    bool done() const { return i_ >= s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }
    void skip_space() {
        while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    // Spaces and the commas that separate list elements.
    void skip_separators() {
        while (!done() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
    }
    std::string token() {
        const auto start = i_;
        while (!done() && is_tchar(s_[i_])) ++i_;
        return std::string(s_.substr(start, i_ - start));
    }
    // A quoted-string, with backslash escapes; the cursor is on the quote.
    std::string quoted() {
        std::string out;
        ++i_;
        while (!done() && s_[i_] != '"') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
            out += s_[i_++];
        }
        if (!done()) ++i_;
        return out;
    }
    std::size_t pos() const { return i_; }
    void seek(std::size_t p) { i_ = p; }
    bool eat(char ch) {
        if (peek() != ch) return false;
        ++i_;
        return true;
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
    std::vector<AuthChallenge> out;
    Scanner sc(header);
    sc.skip_separators();
    while (!sc.done()) {
        auto scheme = sc.token();
        if (scheme.empty()) break; // not a token: give up on the rest
        AuthChallenge ch{lower(scheme), {}};
        sc.skip_space();
        // Parameters until the next "<token> <token>" (a new challenge) or the end.
        while (!sc.done()) {
            const auto mark = sc.pos();
            sc.skip_separators();
            auto key = sc.token();
            sc.skip_space();
            if (key.empty() || !sc.eat('=')) {
                // A token with no '=' starts the next challenge (or is a
                // token68 credential, which registries do not use).
                if (!key.empty()) sc.seek(mark);
                break;
            }
            if (sc.peek() == '=') { // token68 padding ("abc=="), skip it
                while (sc.eat('=')) {
                }
                continue;
            }
            sc.skip_space();
            std::string value = sc.peek() == '"' ? sc.quoted() : sc.token();
            ch.params[lower(key)] = std::move(value);
            sc.skip_space();
        }
        out.push_back(std::move(ch));
        sc.skip_separators();
    }
    return out;
}

std::optional<AuthChallenge> pick_challenge(const std::vector<std::string> &headers) {
    std::optional<AuthChallenge> basic;
    for (const auto &h : headers) {
        for (auto &c : parse_www_authenticate(h)) {
            if (c.scheme == "bearer") return c;
            if (c.scheme == "basic" && !basic) basic = std::move(c);
        }
    }
    return basic;
}

} // namespace berth::registry
