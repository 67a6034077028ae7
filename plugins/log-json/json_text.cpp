#include "json_text.hpp"

#include <cstdio>

namespace berth::logjson {

namespace {

constexpr char hex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid
// (overlong, surrogate, beyond U+10FFFF or truncated), as Go's DecodeRune.
size_t utf8_len(std::string_view s, size_t i, uint32_t &cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) { n = 2; cp = b0 & 0x1Fu; min = 0x80; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) { n = 3; cp = b0 & 0x0Fu; min = 0x800; }
    else if (b0 >= 0xF0 && b0 <= 0xF4) { n = 4; cp = b0 & 0x07u; min = 0x10000; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int64_t &out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

} // namespace

void append_json_string(std::string &out, std::string_view s) {
    out.push_back('"');
    size_t start = 0;
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            if (b >= 0x20 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&') {
                ++i;
                continue;
            }
            out.append(s.substr(start, i - start));
            switch (b) {
            case '\\':
            case '"': out.push_back('\\'); out.push_back(static_cast<char>(b)); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                out.append("\\u00");
                out.push_back(hex[b >> 4]);
                out.push_back(hex[b & 0xF]);
            }
            start = ++i;
            continue;
        }
        uint32_t cp = 0;
        const size_t n = utf8_len(s, i, cp);
        if (n == 0) {
            out.append(s.substr(start, i - start));
            out.append("\\ufffd");
            start = ++i;
            continue;
        }
        if (cp == 0x2028 || cp == 0x2029) {
            out.append(s.substr(start, i - start));
            out.append("\\u202");
            out.push_back(hex[cp & 0xF]);
            start = i + n;
        }
        i += n;
    }
    out.append(s.substr(start));
    out.push_back('"');
}

void append_rfc3339nano(std::string &out, int64_t unix_nano) {
    int64_t secs = unix_nano / 1000000000;
    int64_t nanos = unix_nano % 1000000000;
    if (nanos < 0) { nanos += 1000000000; --secs; }
    int64_t days = secs / 86400;
    int64_t sod = secs % 86400;
    if (sod < 0) { sod += 86400; --days; }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[64];
    int len = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d",
                            static_cast<long long>(y), m, d, static_cast<int>(sod / 3600),
                            static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
    out.append(buf, static_cast<size_t>(len));
    if (nanos != 0) {
        len = std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
        while (len > 1 && buf[len - 1] == '0') --len;
        out.append(buf, static_cast<size_t>(len));
    }
    out.push_back('Z');
}

std::optional<int64_t> parse_rfc3339(std::string_view s) {
    int64_t y, mo, d, h, mi, se;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
        s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    size_t pos = 19;
    int64_t frac = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 9) { frac = frac * 10 + (s[pos] - '0'); ++n; }
            ++pos;
        }
        if (n == 0) return std::nullopt;
        for (; n < 9; ++n) frac *= 10;
    }
    int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int64_t oh, om;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, om))
            return std::nullopt;
        offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                         h * 3600 + mi * 60 + se - offset;
    return secs * 1000000000 + frac;
}

} // namespace berth::logjson
