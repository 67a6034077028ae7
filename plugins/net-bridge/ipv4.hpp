// ipv4.hpp — the few IPv4 facts the bridge driver computes itself: parsing
// "a.b.c.d" and "a.b.c.d/len", and Docker's MAC convention 02:42:<ip bytes>.
#pragma once

#include <cstdint>
#include <string>

namespace berth::netbridge {

struct Ipv4 {
    uint32_t host_order = 0;  // 172.18.0.2 -> 0xac120002
    std::string str() const;
};

struct Ipv4Cidr {
    Ipv4 address;
    int prefix = 32;
    std::string str() const;          // "172.18.0.2/16"
    Ipv4 network() const;             // 172.18.0.0
    std::string network_str() const;  // "172.18.0.0/16"
    bool contains(Ipv4 ip) const;
};

// Throw sdk::error(BERTH_E_INVAL) naming `what` when text is not valid.
Ipv4 parse_ipv4(const std::string &text, const std::string &what);
Ipv4Cidr parse_ipv4_cidr(const std::string &text, const std::string &what);

// 02:42:ac:12:00:02 for 172.18.0.2: Docker's derived MAC, so a container keeps
// the MAC its address implies on every host.
std::string mac_for(Ipv4 ip);
// Lowercase "xx:xx:xx:xx:xx:xx" or sdk::error(BERTH_E_INVAL) naming `what`.
std::string normalize_mac(const std::string &text, const std::string &what);

} // namespace berth::netbridge
