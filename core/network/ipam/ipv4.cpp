#include "network/ipam/ipv4.h"

#include <charconv>

namespace berth::network::ipam {

std::optional<Ipv4> parse_ipv4(const std::string &text) {
    Ipv4 out = 0;
    const char *p = text.data();
    const char *end = p + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
        const char *start = p;
        unsigned value = 0;
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc() || next == start || value > 255) return std::nullopt;
        if (next - start > 1 && *start == '0') return std::nullopt; // "01" is ambiguous (octal)
        if (next - start > 3) return std::nullopt;
        out = (out << 8) | value;
        p = next;
    }
    if (p != end) return std::nullopt;
    return out;
}

std::string format_ipv4(Ipv4 a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
           "." + std::to_string(a & 0xff);
}

std::string Ipv4Prefix::str() const { return format_ipv4(addr) + "/" + std::to_string(len); }

std::optional<Ipv4Prefix> parse_cidr(const std::string &text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const auto addr = parse_ipv4(text.substr(0, slash));
    if (!addr) return std::nullopt;
    const std::string len_text = text.substr(slash + 1);
    int len = -1;
    auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    if (ec != std::errc() || next != len_text.data() + len_text.size() || len_text.empty() || len < 0 || len > 32)
        return std::nullopt;
    return Ipv4Prefix{*addr, len};
}

} // namespace berth::network::ipam
