#include "ipv4.hpp"

#include <berth/sdk.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace berth::netbridge {

namespace {

uint32_t mask_of(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

[[noreturn]] void bad(const std::string &what, const std::string &text, const char *why) {
    throw sdk::error(BERTH_E_INVAL, what + " \"" + text + "\" " + why);
}

} // namespace

std::string Ipv4::str() const {
    in_addr a{htonl(host_order)};
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::string Ipv4Cidr::str() const { return address.str() + "/" + std::to_string(prefix); }
Ipv4 Ipv4Cidr::network() const { return Ipv4{address.host_order & mask_of(prefix)}; }
std::string Ipv4Cidr::network_str() const {
    return network().str() + "/" + std::to_string(prefix);
}
bool Ipv4Cidr::contains(Ipv4 ip) const {
    return (ip.host_order & mask_of(prefix)) == network().host_order;
}

Ipv4 parse_ipv4(const std::string &text, const std::string &what) {
    in_addr a{};
    if (inet_pton(AF_INET, text.c_str(), &a) != 1) bad(what, text, "is not an IPv4 address");
    return Ipv4{ntohl(a.s_addr)};
}

Ipv4Cidr parse_ipv4_cidr(const std::string &text, const std::string &what) {
    auto slash = text.find('/');
    if (slash == std::string::npos) bad(what, text, "has no /prefix length");
    std::string len = text.substr(slash + 1);
    if (len.empty() || len.size() > 2 ||
        !std::all_of(len.begin(), len.end(), [](unsigned char c) { return std::isdigit(c); }))
        bad(what, text, "has a bad prefix length");
    int prefix = std::stoi(len);
    if (prefix > 32) bad(what, text, "has a prefix length over 32");
    return Ipv4Cidr{parse_ipv4(text.substr(0, slash), what), prefix};
}

std::string mac_for(Ipv4 ip) {
    char buf[18];
    uint32_t v = ip.host_order;
    std::snprintf(buf, sizeof buf, "02:42:%02x:%02x:%02x:%02x", (v >> 24) & 0xff,
                  (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    return buf;
}

std::string normalize_mac(const std::string &text, const std::string &what) {
    unsigned b[6];
    char tail;
    if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                    &b[5], &tail) != 6)
        bad(what, text, "is not a MAC address (xx:xx:xx:xx:xx:xx)");
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                  b[5]);
    return buf;
}

} // namespace berth::netbridge
