// ipv4.h — IPv4 addresses and prefixes as host-order integers, with the
// parsing and formatting IPAM needs. Pure; no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace berth::network::ipam {

using Ipv4 = uint32_t; // host byte order

// "172.18.0.2" -> address; nullopt for anything else (no leading zeros
// tricks, no "1.2.3", no whitespace).
std::optional<Ipv4> parse_ipv4(const std::string &text);
std::string format_ipv4(Ipv4 addr);

struct Ipv4Prefix {
    Ipv4 addr = 0; // may carry host bits when parsed with them ("172.30.0.1/16")
    int len = 0;   // 0..32

    Ipv4 mask() const { return len == 0 ? 0 : ~Ipv4(0) << (32 - len); }
    Ipv4 network() const { return addr & mask(); }
    Ipv4 broadcast() const { return network() | ~mask(); }
    uint64_t size() const { return uint64_t(1) << (32 - len); }
    bool contains(Ipv4 a) const { return (a & mask()) == network(); }
    // p lies entirely inside this prefix.
    bool contains(const Ipv4Prefix &p) const { return p.len >= len && contains(p.network()); }
    bool overlaps(const Ipv4Prefix &p) const { return contains(p.network()) || p.contains(network()); }
    // The prefix without host bits: "172.30.0.0/16".
    Ipv4Prefix canonical() const { return {network(), len}; }
    std::string str() const; // addr as stored, "/len"
    bool operator==(const Ipv4Prefix &o) const { return addr == o.addr && len == o.len; }
};

// "172.18.0.0/16" (host bits allowed; canonical() drops them); nullopt when
// malformed.
std::optional<Ipv4Prefix> parse_cidr(const std::string &text);

} // namespace berth::network::ipam
