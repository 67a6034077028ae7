#include "network/ipam/host_routes.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace berth::network::ipam {
namespace {

// /proc/net/route prints the kernel's network-order u32 as host-order hex;
// on little-endian hosts the bytes read reversed.
Ipv4 from_route_hex(const std::string &hex) {
    const uint32_t raw = uint32_t(std::stoul(hex, nullptr, 16));
    const uint8_t *b = reinterpret_cast<const uint8_t *>(&raw);
    return (Ipv4(b[0]) << 24) | (Ipv4(b[1]) << 16) | (Ipv4(b[2]) << 8) | Ipv4(b[3]);
}

int mask_len(Ipv4 mask) {
    int n = 0;
    while (n < 32 && (mask & (Ipv4(1) << (31 - n)))) ++n;
    return n;
}

} // namespace

std::vector<Ipv4Prefix> parse_proc_net_route(const std::string &text, const std::vector<std::string> &skip_ifaces) {
    std::vector<Ipv4Prefix> out;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
        if (!(fields >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask)) continue;
        if (std::find(skip_ifaces.begin(), skip_ifaces.end(), iface) != skip_ifaces.end()) continue;
        try {
            const Ipv4Prefix p{from_route_hex(dest), mask_len(from_route_hex(mask))};
            if (p.len == 0) continue; // the default route covers everything; it blocks nothing
            out.push_back(p.canonical());
        } catch (const std::exception &) {
            continue; // a line we cannot read is not a reason to refuse a network
        }
    }
    return out;
}

std::vector<Ipv4Prefix> host_routes(const std::vector<std::string> &skip_ifaces) {
    std::ifstream in("/proc/net/route");
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return parse_proc_net_route(s.str(), skip_ifaces);
}

} // namespace berth::network::ipam
