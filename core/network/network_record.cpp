#include "network/network_record.h"

#include "images/time_format.h"
#include "network/network_json.h"

#include <nlohmann/json.hpp>

namespace berth::network {
namespace {

using nlohmann::json;

StringMap string_map(const json &j, const char *key) {
    StringMap out;
    if (j.contains(key) && j[key].is_object())
        for (const auto &[k, v] : j[key].items())
            if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

std::string str(const json &j, const char *key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

bool flag(const json &j, const char *key) { return j.contains(key) && j[key].is_boolean() && j[key].get<bool>(); }

} // namespace

// Docker's Network object plus what only berth reads back.
constexpr const char *kUserSubnetKey = "BerthIPAMUserConfigured";

std::string network_record_json(const Network &n) {
    auto j = json::parse(network_json(n, nullptr));
    j[kUserSubnetKey] = n.ipam_user_configured;
    return j.dump();
}

std::optional<Network> parse_network_record(const std::string &text) {
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    Network n;
    n.id = str(j, "Id");
    n.name = str(j, "Name");
    n.driver = str(j, "Driver");
    if (n.id.size() != 64 || n.name.empty() || n.driver.empty()) return std::nullopt;
    const auto ns = images::parse_rfc3339_ns(str(j, "Created"));
    if (!ns) return std::nullopt;
    n.created = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*ns)));
    if (const auto scope = str(j, "Scope"); !scope.empty()) n.scope = scope;
    n.enable_ipv6 = flag(j, "EnableIPv6");
    n.internal = flag(j, "Internal");
    n.attachable = flag(j, "Attachable");
    n.ingress = flag(j, "Ingress");
    n.config_only = flag(j, "ConfigOnly");
    n.ipam_user_configured = flag(j, kUserSubnetKey);
    if (j.contains("ConfigFrom") && j["ConfigFrom"].is_object()) n.config_from = str(j["ConfigFrom"], "Network");
    n.options = string_map(j, "Options");
    n.labels = string_map(j, "Labels");
    if (j.contains("IPAM") && j["IPAM"].is_object()) {
        const auto &ipam = j["IPAM"];
        if (const auto d = str(ipam, "Driver"); !d.empty()) n.ipam_driver = d;
        n.ipam_options = string_map(ipam, "Options");
        if (ipam.contains("Config") && ipam["Config"].is_array())
            for (const auto &c : ipam["Config"]) {
                if (!c.is_object()) return std::nullopt;
                IpamPoolConfig pc;
                pc.subnet = str(c, "Subnet");
                pc.ip_range = str(c, "IPRange");
                pc.gateway = str(c, "Gateway");
                pc.aux_addresses = string_map(c, "AuxiliaryAddresses");
                n.ipam_config.push_back(std::move(pc));
            }
    }
    return n;
}

std::string endpoint_record_json(const Endpoint &e) {
    json ports = json::array();
    for (const auto &p : e.ports)
        ports.push_back({{"proto", p.proto}, {"container_port", p.container_port}, {"host_ip", p.host_ip},
                         {"host_port", p.host_port}});
    json exposed = json::array();
    for (const auto &p : e.exposed) exposed.push_back({{"proto", p.proto}, {"port", p.port}});
    json j = {{"id", e.id},
              {"network_id", e.network_id},
              {"container_id", e.container_id},
              {"container_name", e.container_name},
              {"ipv4_address", e.ipv4_address},
              {"prefix_len", e.prefix_len},
              {"gateway", e.gateway},
              {"mac_address", e.mac_address},
              {"requested_ipv4", e.requested_ipv4},
              {"aliases", e.aliases},
              {"ports", ports},
              {"exposed", exposed},
              {"external", e.external}};
    return j.dump();
}

std::optional<Endpoint> parse_endpoint_record(const std::string &text) {
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        Endpoint e;
        e.id = j.at("id").get<std::string>();
        e.network_id = j.at("network_id").get<std::string>();
        e.container_id = j.at("container_id").get<std::string>();
        e.container_name = j.value("container_name", "");
        e.ipv4_address = j.value("ipv4_address", "");
        e.prefix_len = j.value("prefix_len", 0);
        e.gateway = j.value("gateway", "");
        e.mac_address = j.value("mac_address", "");
        e.requested_ipv4 = j.value("requested_ipv4", "");
        e.aliases = j.value("aliases", std::vector<std::string>{});
        for (const auto &p : j.value("ports", json::array()))
            e.ports.push_back({p.at("proto").get<std::string>(), p.at("container_port").get<uint16_t>(),
                               p.at("host_ip").get<std::string>(), p.at("host_port").get<uint16_t>()});
        for (const auto &p : j.value("exposed", json::array()))
            e.exposed.push_back({p.at("proto").get<std::string>(), p.at("port").get<uint16_t>()});
        e.external = j.value("external", false);
        if (e.id.empty() || e.network_id.empty() || e.container_id.empty()) return std::nullopt;
        return e;
    } catch (const json::exception &) {
        return std::nullopt;
    }
}

} // namespace berth::network
