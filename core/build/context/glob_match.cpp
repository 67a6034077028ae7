// glob_match.cpp — Go's filepath.Match, byte-wise except that "?" and
// classes consume one whole UTF-8 character as Go's runes do.
#include "build/context/glob_match.h"

#include <string>

namespace berth::build::glob {
namespace {

// The code point at s[pos] (bytes as they are for invalid UTF-8).
char32_t decode(std::string_view s, size_t pos, size_t &len) {
    len = utf8_len(s, pos);
    const auto b = static_cast<unsigned char>(s[pos]);
    if (len == 1) return b;
    char32_t c = b & (0xff >> (len + 1));
    for (size_t i = 1; i < len; ++i) c = (c << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3f);
    return c;
}

// One class character (maybe "\\"-escaped) at p[i]; false when malformed.
bool class_char(std::string_view p, size_t &i, char32_t &out) {
    if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
    if (p[i] == '\\') {
        ++i;
        if (i >= p.size()) return false;
    }
    size_t len = 0;
    out = decode(p, i, len);
    i += len;
    return true;
}

// Parses the class at p[pos] == '['; returns the index after "]" or npos,
// and whether c is in it.
size_t scan_class(std::string_view p, size_t pos, char32_t c, bool &in) {
    size_t i = pos + 1;
    bool negated = false;
    if (i < p.size() && p[i] == '^') negated = true, ++i;
    bool matched = false;
    int ranges = 0;
    for (;;) {
        if (i < p.size() && p[i] == ']' && ranges > 0) {
            ++i;
            break;
        }
        char32_t lo = 0, hi = 0;
        if (!class_char(p, i, lo)) return std::string_view::npos;
        hi = lo;
        if (i < p.size() && p[i] == '-') {
            ++i;
            if (!class_char(p, i, hi)) return std::string_view::npos;
        }
        if (lo <= c && c <= hi) matched = true;
        ++ranges;
    }
    in = matched != negated;
    return i;
}

} // namespace

size_t utf8_len(std::string_view s, size_t pos) {
    const auto b = static_cast<unsigned char>(s[pos]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 1;
    if (pos + len > s.size()) return 1;
    for (size_t i = 1; i < len; ++i)
        if ((static_cast<unsigned char>(s[pos + i]) & 0xc0) != 0x80) return 1;
    return len;
}

bool match_class(std::string_view pattern, size_t pos, std::string_view name, size_t npos, size_t &class_end,
                 size_t &char_len) {
    bool in = false;
    char32_t c = 0;
    char_len = 0;
    if (npos < name.size()) c = decode(name, npos, char_len);
    class_end = scan_class(pattern, pos, c, in);
    if (class_end == std::string_view::npos) return false;
    return npos < name.size() && in;
}

bool valid(std::string_view p) {
    for (size_t i = 0; i < p.size();) {
        if (p[i] == '\\') {
            if (i + 1 >= p.size()) return false;
            i += 2;
        } else if (p[i] == '[') {
            bool in = false;
            i = scan_class(p, i, 0, in);
            if (i == std::string_view::npos) return false;
        } else {
            ++i;
        }
    }
    return true;
}

bool has_meta(std::string_view p) { return p.find_first_of("*?[\\") != std::string_view::npos; }

namespace {

bool match_at(std::string_view p, size_t pi, std::string_view s, size_t si) {
    while (pi < p.size()) {
        const char c = p[pi];
        if (c == '*') {
            while (pi < p.size() && p[pi] == '*') ++pi;
            // "*" takes any run of non-separators: try every length.
            for (size_t k = si;; ++k) {
                if (match_at(p, pi, s, k)) return true;
                if (k >= s.size() || s[k] == '/') return false;
            }
        }
        if (si >= s.size()) return false;
        if (c == '?') {
            if (s[si] == '/') return false;
            si += utf8_len(s, si);
            ++pi;
        } else if (c == '[') {
            size_t end = 0, len = 0;
            if (!match_class(p, pi, s, si, end, len)) return false;
            pi = end;
            si += len;
        } else {
            if (c == '\\') ++pi;
            if (pi >= p.size() || p[pi] != s[si]) return false;
            ++pi;
            ++si;
        }
    }
    return si == s.size();
}

} // namespace

bool match(std::string_view pattern, std::string_view name) {
    return valid(pattern) && match_at(pattern, 0, name, 0);
}

} // namespace berth::build::glob
