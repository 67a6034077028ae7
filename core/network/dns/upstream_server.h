// upstream_server.h — the host nameservers the embedded DNS forwards to,
// parsed from the "ip" / "ip:port" / "[v6]:port" strings berthd hands over.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::network::dns {

struct UpstreamServer {
    std::string address; // numeric IPv4 or IPv6, without brackets
    std::uint16_t port = 53;
    bool ipv6 = false;

    std::string to_string() const;
};

// Throws std::invalid_argument naming the entry that is not a numeric
// address with an optional port.
UpstreamServer parse_upstream_server(const std::string &text);
std::vector<UpstreamServer> parse_upstream_servers(const std::vector<std::string> &texts);

} // namespace berth::network::dns
