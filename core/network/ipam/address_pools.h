// address_pools.h — where new networks get their subnets: daemon.json's
// `default-address-pools` ([{"base":"172.17.0.0/16","size":16}, ...]) or
// Docker's defaults, carved in order into subnets of `size` bits, skipping
// any that overlap a subnet already taken (other networks, host routes).
#pragma once

#include "network/ipam/ipv4.h"

#include <optional>
#include <string>
#include <vector>

namespace berth::network::ipam {

struct AddressPool {
    Ipv4Prefix base; // canonical
    int size = 0;    // prefix length of each subnet carved from base
};

// Docker's built-in pools: 172.17.0.0/16 .. 172.31.0.0/16 as /16s, then
// 192.168.0.0/16 as /20s.
std::vector<AddressPool> default_address_pools();

// daemon.json's value as JSON text; "" or "[]" gives the defaults. Throws
// InvalidArgument naming the bad entry (base not a CIDR, size shorter than
// the base's prefix or longer than 32).
std::vector<AddressPool> parse_address_pools(const std::string &json_text);

// The first subnet, pool by pool, overlapping nothing in `taken`; nullopt
// when every pool is used up.
std::optional<Ipv4Prefix> next_free_subnet(const std::vector<AddressPool> &pools,
                                           const std::vector<Ipv4Prefix> &taken);

// Docker's message when next_free_subnet finds nothing.
inline constexpr const char *kPoolsExhausted =
    "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network";

} // namespace berth::network::ipam
