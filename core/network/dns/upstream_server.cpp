// upstream_server.cpp — numeric addresses only: the list comes from
// resolv.conf, whose nameserver lines are addresses, never host names.
#include "network/dns/upstream_server.h"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace berth::network::dns {

namespace {

bool is_ipv4(const std::string &text) {
    in_addr parsed{};
    return inet_pton(AF_INET, text.c_str(), &parsed) == 1;
}

bool is_ipv6(const std::string &text) {
    in6_addr parsed{};
    return inet_pton(AF_INET6, text.c_str(), &parsed) == 1;
}

[[noreturn]] void refuse(const std::string &text, const std::string &why) {
    throw std::invalid_argument("upstream DNS server \"" + text + "\": " + why);
}

std::uint16_t parse_port(const std::string &text, const std::string &port) {
    unsigned value = 0;
    const char *end = port.data() + port.size();
    auto [stop, error] = std::from_chars(port.data(), end, value);
    if (port.empty() || error != std::errc() || stop != end || value == 0 || value > 65535)
        refuse(text, "port \"" + port + "\" is not a number from 1 to 65535");
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::string UpstreamServer::to_string() const {
    return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

UpstreamServer parse_upstream_server(const std::string &text) {
    if (text.empty()) refuse(text, "empty");
    if (is_ipv4(text)) return {text, 53, false};
    if (is_ipv6(text)) return {text, 53, true};
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) refuse(text, "missing ']'");
        const std::string address = text.substr(1, close - 1);
        if (!is_ipv6(address)) refuse(text, "\"" + address + "\" is not an IPv6 address");
        if (close + 1 == text.size()) return {address, 53, true};
        if (text[close + 1] != ':') refuse(text, "expected ':' after ']'");
        return {address, parse_port(text, text.substr(close + 2)), true};
    }
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) refuse(text, "not a numeric IPv4 or IPv6 address");
    const std::string address = text.substr(0, colon);
    if (!is_ipv4(address)) refuse(text, "\"" + address + "\" is not an IPv4 address (write IPv6 as [addr]:port)");
    return {address, parse_port(text, text.substr(colon + 1)), false};
}

std::vector<UpstreamServer> parse_upstream_servers(const std::vector<std::string> &texts) {
    std::vector<UpstreamServer> servers;
    servers.reserve(texts.size());
    for (const std::string &text : texts) servers.push_back(parse_upstream_server(text));
    return servers;
}

} // namespace berth::network::dns
