// go_duration.cpp — a port of the grammar of Go's time.ParseDuration:
// [-+]? followed by one or more decimal numbers, each with an optional
// fraction and a unit (ns, us, µs, μs, ms, s, m, h); "0" alone is allowed.
#include "build/dockerfile/go_duration.h"

#include "build/dockerfile/go_text.h"

#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

namespace berth::build {
namespace {

double unit_nanoseconds(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e3;
    if (unit == "ms") return 1e6;
    if (unit == "s") return 1e9;
    if (unit == "m") return 60e9;
    if (unit == "h") return 3600e9;
    return 0;
}

} // namespace

std::chrono::nanoseconds parse_go_duration(std::string_view text) {
    const std::string quoted = detail::go_quote(text);
    auto invalid = [&] { return std::invalid_argument("time: invalid duration " + quoted); };
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return std::chrono::nanoseconds(0);
    if (s.empty()) throw invalid();
    double total = 0;
    while (!s.empty()) {
        size_t i = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        const size_t int_digits = i;
        size_t frac_digits = 0;
        if (i < s.size() && s[i] == '.') {
            ++i;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
        }
        if (int_digits == 0 && frac_digits == 0) throw invalid();
        const double number = std::stod("0" + std::string(s.substr(0, i)));
        s.remove_prefix(i);
        size_t u = 0;
        while (u < s.size() && s[u] != '.' && !std::isdigit(static_cast<unsigned char>(s[u]))) ++u;
        if (u == 0) throw std::invalid_argument("time: missing unit in duration " + quoted);
        const std::string_view unit = s.substr(0, u);
        const double scale = unit_nanoseconds(unit);
        if (scale == 0)
            throw std::invalid_argument("time: unknown unit " + detail::go_quote(unit) + " in duration " + quoted);
        total += number * scale;
        if (total > 9.223372036854775807e18) throw invalid();
        s.remove_prefix(u);
    }
    const auto ns = static_cast<long long>(std::llround(total));
    return std::chrono::nanoseconds(negative ? -ns : ns);
}

} // namespace berth::build
