// host_routes.h — the IPv4 destinations the host already routes, so a new
// network's subnet does not shadow a LAN or VPN (Docker skips those too).
#pragma once

#include "network/ipam/ipv4.h"

#include <string>
#include <vector>

namespace berth::network::ipam {

// The non-default routes in /proc/net/route format text (header line, then
// "Iface Destination Gateway Flags RefCnt Use Metric Mask ..." with
// little-endian hex). Interfaces named in `skip_ifaces` are ignored (our own
// bridges: their subnets are networks we already know).
std::vector<Ipv4Prefix> parse_proc_net_route(const std::string &text, const std::vector<std::string> &skip_ifaces = {});

// Reads /proc/net/route; empty when it cannot be read.
std::vector<Ipv4Prefix> host_routes(const std::vector<std::string> &skip_ifaces = {});

} // namespace berth::network::ipam
