#include "images/time_format.h"

#include <cstdio>
#include <ctime>

namespace berth::images {

std::string format_rfc3339_nano(std::chrono::system_clock::time_point t) {
    const auto ns_total = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    int64_t secs = ns_total / 1000000000;
    int64_t nanos = ns_total % 1000000000;
    if (nanos < 0) nanos += 1000000000, secs -= 1;
    const time_t tt = time_t(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::string out = buf;
    if (nanos != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

std::optional<int64_t> parse_rfc3339_ns(std::string_view s) {
    auto num = [&](size_t pos, size_t len) -> std::optional<int> {
        if (pos + len > s.size()) return std::nullopt;
        int v = 0;
        for (size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto year = num(0, 4), mon = num(5, 2), day = num(8, 2), hour = num(11, 2), min = num(14, 2),
               sec = num(17, 2);
    if (!year || !mon || !day || !hour || !min || !sec || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    if (*mon < 1 || *mon > 12 || *day < 1 || *day > 31 || *hour > 23 || *min > 59 || *sec > 60) return std::nullopt;
    size_t i = 19;
    int64_t nanos = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 9) nanos = nanos * 10 + (s[i] - '0'), ++digits;
            ++i;
        }
        if (digits == 0) return std::nullopt;
        while (digits++ < 9) nanos *= 10;
    }
    int64_t offset = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const auto oh = num(i + 1, 2), om = num(i + 4, 2);
        if (!oh || !om || i + 3 >= s.size() || s[i + 3] != ':') return std::nullopt;
        offset = (int64_t(*oh) * 60 + *om) * 60 * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *mon - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *min;
    tm.tm_sec = *sec;
    const int64_t secs = int64_t(timegm(&tm)) - offset;
    return secs * 1000000000 + nanos;
}

} // namespace berth::images
