// records.hpp — the driver's bookkeeping: what it created in the kernel for
// each network and endpoint. This is exactly what the state file and
// export_state carry, so a restarted or swapped driver can adopt the kernel
// objects instead of recreating them. No JSON types here (records_json.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::netbridge {

struct NetworkRecord {
    std::string bridge;      // Linux bridge name (berth0, br-<12 hex>, or the option)
    std::string subnet;      // "172.18.0.0/16"
    std::string gateway;     // "172.18.0.1" (empty: no gateway address)
    int mtu = 1500;
    bool internal = false;
    bool masquerade = true;  // com.docker.network.bridge.enable_ip_masquerade
    bool icc = true;         // com.docker.network.bridge.enable_icc
    std::string host_binding_ipv4 = "0.0.0.0";  // default host_ip of published ports
    std::map<std::string, std::string> options;  // as given, for comparison on re-create
    // False when the bridge existed before the network (named by the
    // bridge.name option): delete_network then leaves the link alone.
    bool owns_bridge = true;
};

struct PortMapping {
    std::string proto = "tcp";  // tcp | udp
    int container_port = 0;
    std::string host_ip;        // as given ("" / "0.0.0.0": every address)
    int host_port = 0;
    int proxy_pid = 0;          // berth-proxy serving it; 0: none running
    bool operator==(const PortMapping &o) const {
        return proto == o.proto && container_port == o.container_port && host_ip == o.host_ip &&
               host_port == o.host_port;
    }
};

struct EndpointRecord {
    std::string nid;
    std::string veth;      // host end, on the bridge
    std::string peer;      // the other end's name before join renames it
    std::string mac;
    std::string address;   // "172.18.0.2/16"
    std::string ifname;    // name inside the sandbox once joined ("" before)
    std::vector<PortMapping> ports;
};

struct DriverState {
    std::map<std::string, NetworkRecord> networks;    // by nid
    std::map<std::string, EndpointRecord> endpoints;  // by eid
};

// The state format's name (berth_driver_entry.state_schema) and its JSON.
inline constexpr char state_schema[] = "net-bridge/1";
std::string state_to_json(const DriverState &state);
// Throws sdk::error(BERTH_E_INVAL) on a malformed text or another schema.
DriverState state_from_json(const std::string &text);

// create_network's config_json -> the record (bridge name, addresses,
// options validated). Throws sdk::error(BERTH_E_INVAL) naming a bad option.
NetworkRecord network_from_config(const std::string &nid, const std::string &config_json);

// The endpoint's address/MAC from create_endpoint's iface_json.
struct InterfaceRequest {
    std::string address;  // "172.18.0.2/16"
    std::string mac;      // "" when the core left it to the driver
};
InterfaceRequest interface_from_json(const std::string &iface_json);
// The same shape completed with the MAC the driver chose.
std::string interface_to_json(const std::string &iface_json, const std::string &mac);

// program_external's options_json "ports" list. Throws on a bad entry.
std::vector<PortMapping> ports_from_json(const std::string &options_json);

// join's options_json.
struct JoinOptions {
    std::string ifname_prefix = "eth";
    int mtu = 0;  // 0: the network's
};
JoinOptions join_options_from_json(const std::string &options_json);

} // namespace berth::netbridge
