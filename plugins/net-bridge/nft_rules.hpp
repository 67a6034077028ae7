// nft_rules.hpp — the nftables rule text for berth's own table. Pure text
// generation (no kernel), so it is unit-tested as strings.
//
// Layout of `table ip <T>` (T from the plugin config "nft_table"):
//   set bridges            every berth bridge (for isolation)
//   chain prerouting  nat  fib daddr type local -> jump ports
//   chain output      nat  daddr not 127/8, local -> jump ports (127.0.0.1
//                          is served by berth-proxy, as docker-proxy does)
//   chain postrouting nat  jump n-<net>-nat for each network
//   chain forward  filter  established/related accept; jump n-<net>-fwd
//   chain ports            jump e-<endpoint>-dnat for each endpoint with ports
// Every network and endpoint owns its chains; adding one adds its chains and
// one jump per base chain, removing it deletes those jumps (by handle) and
// its chains. Base chains have policy accept: only our own rules drop.
#pragma once

#include "records.hpp"

#include <string>
#include <vector>

namespace berth::netbridge::nft {

std::string network_forward_chain(const std::string &nid);  // n-<12>-fwd
std::string network_nat_chain(const std::string &nid);      // n-<12>-nat
std::string endpoint_dnat_chain(const std::string &eid);    // e-<12>-dnat

// The base chains the per-object chains hang from.
inline constexpr const char *jump_parents[] = {"forward", "postrouting", "ports"};

// The table with its set, base chains and their fixed rules.
std::string base_ruleset(const std::string &table);
// A network's chains, its bridge in @bridges, and the jumps to its chains.
std::string network_rules(const std::string &table, const std::string &nid,
                          const NetworkRecord &net);
// An endpoint's DNAT chain for its published ports and the jump to it
// (empty text when there is nothing to publish over IPv4).
std::string endpoint_port_rules(const std::string &table, const std::string &eid,
                                const std::string &container_ip,
                                const std::vector<PortMapping> &ports,
                                const std::string &host_binding_ipv4);

} // namespace berth::netbridge::nft
