// records_json.cpp — the JSON shapes of the records and of the arguments the
// core passes (network.h documents them).
#include "ipv4.hpp"
#include "records.hpp"

#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace berth::netbridge {

using nlohmann::json;

namespace {

constexpr char opt_bridge_name[] = "com.docker.network.bridge.name";
constexpr char opt_mtu[] = "com.docker.network.driver.mtu";
constexpr char opt_masquerade[] = "com.docker.network.bridge.enable_ip_masquerade";
constexpr char opt_icc[] = "com.docker.network.bridge.enable_icc";
constexpr char opt_host_binding[] = "com.docker.network.bridge.host_binding_ipv4";

[[noreturn]] void invalid(const std::string &msg) { throw sdk::error(BERTH_E_INVAL, msg); }

json parse_object(const std::string &text, const char *what) {
    json j = json::parse(text.empty() ? "{}" : text, nullptr, false);
    if (!j.is_object()) invalid(std::string(what) + " is not a JSON object");
    return j;
}

// Docker sends option values as strings; accept JSON scalars too.
std::string option_text(const json &v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    invalid("option value " + v.dump() + " is not a string");
}

bool parse_bool(const std::string &name, const std::string &value) {
    std::string v = value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "t" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "f" || v == "no") return false;
    invalid("option " + name + ": \"" + value + "\" is not a boolean");
}

// Linux interface names: 1-15 bytes, no '/', whitespace or ':'.
void check_ifname(const std::string &name) {
    if (name.empty() || name.size() > 15 || name == "." || name == ".." ||
        name.find_first_of("/: \t\n") != std::string::npos)
        invalid("option " + std::string(opt_bridge_name) + ": \"" + name +
                "\" is not a valid interface name (1-15 characters, no '/', ':' or spaces)");
}

int int_field(const json &j, const char *key, int fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number_integer()) invalid(std::string(key) + " must be an integer");
    return it->get<int>();
}

std::string string_field(const json &j, const char *key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    if (!it->is_string()) invalid(std::string(key) + " must be a string");
    return it->get<std::string>();
}

json network_to_json(const NetworkRecord &n) {
    return json{{"bridge", n.bridge},       {"subnet", n.subnet},
                {"gateway", n.gateway},     {"mtu", n.mtu},
                {"internal", n.internal},   {"masquerade", n.masquerade},
                {"icc", n.icc},             {"host_binding_ipv4", n.host_binding_ipv4},
                {"options", n.options},     {"owns_bridge", n.owns_bridge}};
}

NetworkRecord network_of_json(const json &j) {
    NetworkRecord n;
    n.bridge = j.at("bridge").get<std::string>();
    n.subnet = j.at("subnet").get<std::string>();
    n.gateway = j.value("gateway", "");
    n.mtu = j.value("mtu", 1500);
    n.internal = j.value("internal", false);
    n.masquerade = j.value("masquerade", true);
    n.icc = j.value("icc", true);
    n.host_binding_ipv4 = j.value("host_binding_ipv4", "0.0.0.0");
    n.options = j.value("options", std::map<std::string, std::string>{});
    n.owns_bridge = j.value("owns_bridge", true);
    return n;
}

json port_to_json(const PortMapping &p) {
    return json{{"proto", p.proto},
                {"container_port", p.container_port},
                {"host_ip", p.host_ip},
                {"host_port", p.host_port},
                {"proxy_pid", p.proxy_pid}};
}

PortMapping port_of_json(const json &j) {
    if (!j.is_object()) invalid("a port mapping is not a JSON object: " + j.dump());
    PortMapping p;
    p.proto = string_field(j, "proto");
    if (p.proto.empty()) p.proto = "tcp";
    if (p.proto != "tcp" && p.proto != "udp")
        invalid("port mapping " + j.dump() + ": proto must be tcp or udp (sctp is not supported)");
    p.container_port = int_field(j, "container_port", 0);
    p.host_port = int_field(j, "host_port", 0);
    p.host_ip = string_field(j, "host_ip");
    p.proxy_pid = int_field(j, "proxy_pid", 0);
    if (p.container_port < 1 || p.container_port > 65535)
        invalid("port mapping " + j.dump() + ": container_port must be 1-65535");
    if (p.host_port < 1 || p.host_port > 65535)
        invalid("port mapping " + j.dump() +
                ": host_port must be 1-65535 (the core resolves ephemeral ports)");
    return p;
}

json endpoint_to_json(const EndpointRecord &e) {
    json ports = json::array();
    for (const auto &p : e.ports) ports.push_back(port_to_json(p));
    return json{{"nid", e.nid},         {"veth", e.veth},     {"peer", e.peer},
                {"mac", e.mac},         {"address", e.address}, {"ifname", e.ifname},
                {"ports", ports}};
}

EndpointRecord endpoint_of_json(const json &j) {
    EndpointRecord e;
    e.nid = j.at("nid").get<std::string>();
    e.veth = j.at("veth").get<std::string>();
    e.peer = j.value("peer", "");
    e.mac = j.value("mac", "");
    e.address = j.value("address", "");
    e.ifname = j.value("ifname", "");
    const json ports = j.value("ports", json::array());
    for (const auto &p : ports) e.ports.push_back(port_of_json(p));
    return e;
}

} // namespace

std::string state_to_json(const DriverState &state) {
    json nets = json::object(), eps = json::object();
    for (const auto &[id, n] : state.networks) nets[id] = network_to_json(n);
    for (const auto &[id, e] : state.endpoints) eps[id] = endpoint_to_json(e);
    return json{{"schema", state_schema}, {"networks", nets}, {"endpoints", eps}}.dump(2);
}

DriverState state_from_json(const std::string &text) {
    json j = parse_object(text, "net-bridge state");
    if (j.value("schema", "") != state_schema)
        invalid("net-bridge state has schema \"" + j.value("schema", "") + "\", expected \"" +
                state_schema + "\"");
    DriverState s;
    try {
        const json nets = j.value("networks", json::object());
        const json eps = j.value("endpoints", json::object());
        for (const auto &[id, n] : nets.items()) s.networks[id] = network_of_json(n);
        for (const auto &[id, e] : eps.items()) s.endpoints[id] = endpoint_of_json(e);
    } catch (const json::exception &e) {
        invalid(std::string("net-bridge state is malformed: ") + e.what());
    }
    return s;
}

NetworkRecord network_from_config(const std::string &nid, const std::string &config_json) {
    json cfg = parse_object(config_json, "network config");
    NetworkRecord n;
    if (auto it = cfg.find("options"); it != cfg.end() && !it->is_null()) {
        if (!it->is_object()) invalid("network config: options is not a JSON object");
        for (const auto &[k, v] : it->items()) n.options[k] = option_text(v);
    }
    if (auto it = cfg.find("internal"); it != cfg.end() && it->is_boolean()) n.internal = *it;
    for (const auto &[key, value] : n.options) {
        if (key == opt_bridge_name) {
            check_ifname(value);
            n.bridge = value;
        } else if (key == opt_mtu) {
            try {
                size_t used = 0;
                n.mtu = std::stoi(value, &used);
                if (used != value.size()) throw std::invalid_argument(value);
            } catch (const std::exception &) {
                invalid("option " + key + ": \"" + value + "\" is not a number");
            }
            if (n.mtu < 68 || n.mtu > 65535)
                invalid("option " + key + ": MTU " + value + " is outside 68-65535");
        } else if (key == opt_masquerade) {
            n.masquerade = parse_bool(key, value);
        } else if (key == opt_icc) {
            n.icc = parse_bool(key, value);
        } else if (key == opt_host_binding) {
            n.host_binding_ipv4 = parse_ipv4(value, "option " + key).str();
        }
        // Other com.docker.network.* options (default_bridge, inhibit_ipv4,
        // container_iface_prefix ...) are recorded and otherwise ignored, as
        // libnetwork ignores labels it does not act on.
    }
    if (n.bridge.empty()) {
        if (nid.size() < 12) invalid("network id \"" + nid + "\" is shorter than 12 characters");
        n.bridge = "br-" + nid.substr(0, 12);
    }
    auto v4 = cfg.find("ipv4");
    if (v4 == cfg.end() || !v4->is_array() || v4->empty() || !(*v4)[0].is_object())
        invalid("network config: ipv4 needs one {\"subnet\":...} entry for a bridge network");
    const json &pool = (*v4)[0];
    Ipv4Cidr subnet = parse_ipv4_cidr(string_field(pool, "subnet"), "ipv4 subnet");
    n.subnet = subnet.network_str();
    std::string gw = string_field(pool, "gateway");
    if (!gw.empty()) {
        // The core may send the gateway with or without its prefix.
        if (auto slash = gw.find('/'); slash != std::string::npos) gw = gw.substr(0, slash);
        Ipv4 g = parse_ipv4(gw, "ipv4 gateway");
        if (!subnet.contains(g))
            invalid("ipv4 gateway " + gw + " is outside the subnet " + n.subnet);
        n.gateway = g.str();
    }
    return n;
}

InterfaceRequest interface_from_json(const std::string &iface_json) {
    json j = parse_object(iface_json, "iface_json");
    InterfaceRequest r;
    r.address = string_field(j, "address");
    if (r.address.empty()) invalid("iface_json: address (\"a.b.c.d/len\") is required");
    r.address = parse_ipv4_cidr(r.address, "endpoint address").str();
    std::string mac = string_field(j, "mac");
    if (!mac.empty()) r.mac = normalize_mac(mac, "endpoint mac");
    return r;
}

std::string interface_to_json(const std::string &iface_json, const std::string &mac) {
    json j = parse_object(iface_json, "iface_json");
    j["v"] = 1;
    j["mac"] = mac;
    return j.dump();
}

std::vector<PortMapping> ports_from_json(const std::string &options_json) {
    json j = parse_object(options_json, "options_json");
    std::vector<PortMapping> out;
    auto it = j.find("ports");
    if (it == j.end() || it->is_null()) return out;
    if (!it->is_array()) invalid("options_json: ports is not a JSON array");
    for (const auto &p : *it) {
        PortMapping m = port_of_json(p);
        m.proxy_pid = 0;
        if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
    return out;
}

JoinOptions join_options_from_json(const std::string &options_json) {
    json j = parse_object(options_json, "options_json");
    JoinOptions o;
    std::string prefix = string_field(j, "ifname_prefix");
    if (!prefix.empty()) {
        if (prefix.size() > 12 || prefix.find_first_of("/: \t\n") != std::string::npos)
            invalid("ifname_prefix \"" + prefix + "\" is not a valid interface name prefix");
        o.ifname_prefix = prefix;
    }
    o.mtu = int_field(j, "mtu", 0);
    if (o.mtu != 0 && (o.mtu < 68 || o.mtu > 65535))
        invalid("join mtu " + std::to_string(o.mtu) + " is outside 68-65535");
    return o;
}

} // namespace berth::netbridge
