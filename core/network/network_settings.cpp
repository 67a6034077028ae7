#include "network/network_settings.h"

#include "network/port_plan.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace berth::network {
namespace {

using nlohmann::json;

const Network *network_by_id(const SettingsInput &in, const std::string &id) {
    for (const auto &n : in.networks)
        if (n.id == id) return &n;
    return nullptr;
}

json endpoint_settings(const Network *n, const Endpoint *e, const std::string &container_id) {
    json aliases = nullptr, dns_names = nullptr;
    if (n && n->user_defined()) {
        // Docker (API < 1.45) lists the short id among the aliases; 1.44+
        // shows every name the embedded DNS answers for in DNSNames.
        aliases = json::array();
        if (e)
            for (const auto &a : e->aliases) aliases.push_back(a);
        aliases.push_back(container_id.substr(0, 12));
        if (e) {
            dns_names = json::array({e->container_name, container_id.substr(0, 12)});
            for (const auto &a : e->aliases) dns_names.push_back(a);
        }
    }
    json ipam = nullptr;
    if (e && !e->requested_ipv4.empty()) ipam = {{"IPv4Address", e->requested_ipv4}};
    return {{"IPAMConfig", ipam},
            {"Links", nullptr},
            {"Aliases", aliases},
            {"MacAddress", e ? e->mac_address : ""},
            {"DriverOpts", nullptr},
            {"NetworkID", n ? n->id : ""},
            {"EndpointID", e ? e->id : ""},
            {"Gateway", e ? e->gateway : ""},
            {"IPAddress", e ? e->ipv4_address : ""},
            {"IPPrefixLen", e ? e->prefix_len : 0},
            {"IPv6Gateway", ""},
            {"GlobalIPv6Address", ""},
            {"GlobalIPv6PrefixLen", 0},
            {"DNSNames", dns_names}};
}

} // namespace

std::string network_settings_json(const SettingsInput &in) {
    json networks = json::object();
    const Endpoint *bridge_ep = nullptr;
    std::vector<ExposedPort> exposed = in.exposed;
    json ports = json::object();
    for (const auto &e : in.endpoints) {
        const Network *n = network_by_id(in, e.network_id);
        const std::string name = n ? n->name : e.network_id;
        networks[name] = endpoint_settings(n, &e, in.container_id);
        if (n && n->name == kDefaultBridge) bridge_ep = &e;
        for (const auto &p : e.exposed)
            if (std::find(exposed.begin(), exposed.end(), p) == exposed.end()) exposed.push_back(p);
        for (const auto &p : e.ports) {
            auto &list = ports[port_key(p.proto, p.container_port)];
            if (!list.is_array()) list = json::array();
            list.push_back({{"HostIp", p.host_ip.empty() ? "0.0.0.0" : p.host_ip},
                            {"HostPort", std::to_string(p.host_port)}});
        }
    }
    for (const auto &name : in.configured) {
        if (networks.contains(name)) continue;
        const Network *n = nullptr;
        for (const auto &cand : in.networks)
            if (cand.name == name) n = &cand;
        networks[name] = endpoint_settings(n, nullptr, in.container_id);
    }
    // Exposed but unpublished ports show as null, only while running (a
    // stopped container's Ports is {} in Docker).
    if (!in.sandbox_key.empty())
        for (const auto &p : exposed) {
            const auto key = port_key(p.proto, p.port);
            if (!ports.contains(key)) ports[key] = nullptr;
        }
    return json{{"Bridge", ""},
                {"SandboxID", in.sandbox_key.empty() ? "" : in.container_id},
                {"SandboxKey", in.sandbox_key},
                {"HairpinMode", false},
                {"LinkLocalIPv6Address", ""},
                {"LinkLocalIPv6PrefixLen", 0},
                {"Ports", ports},
                {"SecondaryIPAddresses", nullptr},
                {"SecondaryIPv6Addresses", nullptr},
                {"EndpointID", bridge_ep ? bridge_ep->id : ""},
                {"Gateway", bridge_ep ? bridge_ep->gateway : ""},
                {"GlobalIPv6Address", ""},
                {"GlobalIPv6PrefixLen", 0},
                {"IPAddress", bridge_ep ? bridge_ep->ipv4_address : ""},
                {"IPPrefixLen", bridge_ep ? bridge_ep->prefix_len : 0},
                {"IPv6Gateway", ""},
                {"MacAddress", bridge_ep ? bridge_ep->mac_address : ""},
                {"Networks", networks}}
        .dump();
}

} // namespace berth::network
