// network.h — what the core knows about networks and endpoints: the records
// it persists under <data-root>/network/ and hands to drivers. Plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace berth::network {

using StringMap = std::map<std::string, std::string>;

// Built-in drivers: no plugin behind them, the core handles them itself.
inline constexpr const char *kHostDriver = "host";
inline constexpr const char *kNullDriver = "null";
inline constexpr const char *kBridgeDriver = "bridge";

// The networks that always exist and cannot be removed.
inline constexpr const char *kDefaultBridge = "bridge";
inline constexpr const char *kHostNetwork = "host";
inline constexpr const char *kNoneNetwork = "none";

bool is_predefined_name(const std::string &name);
bool is_builtin_driver(const std::string &driver); // host, null

struct IpamPoolConfig {
    std::string subnet;   // "172.18.0.0/16"
    std::string ip_range; // "" when none
    std::string gateway;  // "172.18.0.1"
    StringMap aux_addresses;
};

struct Network {
    std::string id; // 64 hex
    std::string name;
    std::string driver = kBridgeDriver;
    std::string scope = "local";
    std::chrono::system_clock::time_point created;
    bool enable_ipv6 = false;
    bool internal = false;
    bool attachable = false;
    bool ingress = false;
    bool config_only = false;
    std::string config_from; // ConfigFrom.Network
    std::string ipam_driver = "default";
    StringMap ipam_options;
    std::vector<IpamPoolConfig> ipam_config; // IPv4 only; empty for host/none
    // The creator gave the subnet (docker network create --subnet): only
    // then may containers ask for a fixed address (--ip), as in Docker.
    bool ipam_user_configured = false;
    StringMap options;
    StringMap labels;

    bool predefined() const { return is_predefined_name(name); }
    bool builtin_driver() const { return is_builtin_driver(driver); }
    // A user-defined network with a driver plugin: the kind that gets the
    // embedded DNS (the default bridge, host and none do not).
    bool user_defined() const { return !predefined() && !builtin_driver(); }
};

struct PortBinding {
    std::string proto = "tcp"; // tcp | udp | sctp
    uint16_t container_port = 0;
    std::string host_ip;       // "" = every address (shown as 0.0.0.0)
    uint16_t host_port = 0;    // chosen: never 0 once attached
    bool operator==(const PortBinding &) const = default;
};

struct ExposedPort {
    std::string proto = "tcp";
    uint16_t port = 0;
    bool operator==(const ExposedPort &) const = default;
};

struct Endpoint {
    std::string id; // 64 hex
    std::string network_id;
    std::string container_id;
    std::string container_name; // without the leading slash
    std::string ipv4_address;   // "172.18.0.2"; "" on host/none
    int prefix_len = 0;
    std::string gateway;        // "" when the network has none
    std::string mac_address;    // "02:42:ac:12:00:02"
    std::string requested_ipv4; // --ip as asked (IPAMConfig), "" when none
    std::vector<std::string> aliases; // --network-alias
    // Set on the endpoint that carries the container's external
    // connectivity (the first bridge-like one): published ports with the
    // host ports chosen, and exposed ports left unpublished.
    std::vector<PortBinding> ports;
    std::vector<ExposedPort> exposed;
    bool external = false; // program_external ran for it
};

} // namespace berth::network
