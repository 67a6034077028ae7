#include "network/network_json.h"

#include "images/time_format.h"

#include <nlohmann/json.hpp>

namespace berth::network {

std::string network_json(const Network &n, const std::vector<AttachedContainer> *containers) {
    using nlohmann::json;
    json config = json::array();
    for (const auto &c : n.ipam_config) {
        json o = json::object();
        if (!c.subnet.empty()) o["Subnet"] = c.subnet;
        if (!c.ip_range.empty()) o["IPRange"] = c.ip_range;
        if (!c.gateway.empty()) o["Gateway"] = c.gateway;
        if (!c.aux_addresses.empty()) o["AuxiliaryAddresses"] = c.aux_addresses;
        config.push_back(std::move(o));
    }
    json j;
    j["Name"] = n.name;
    j["Id"] = n.id;
    j["Created"] = images::format_rfc3339_nano(n.created);
    j["Scope"] = n.scope;
    j["Driver"] = n.driver;
    j["EnableIPv6"] = n.enable_ipv6;
    // Docker shows IPAM.Options as null when none were given.
    j["IPAM"] = {{"Driver", n.ipam_driver},
                 {"Options", n.ipam_options.empty() ? json(nullptr) : json(n.ipam_options)},
                 {"Config", config}};
    j["Internal"] = n.internal;
    j["Attachable"] = n.attachable;
    j["Ingress"] = n.ingress;
    j["ConfigFrom"] = {{"Network", n.config_from}};
    j["ConfigOnly"] = n.config_only;
    if (containers) {
        json m = json::object();
        for (const auto &c : *containers)
            m[c.container_id] = {{"Name", c.name},
                                 {"EndpointID", c.endpoint_id},
                                 {"MacAddress", c.mac_address},
                                 {"IPv4Address", c.ipv4_cidr},
                                 {"IPv6Address", ""}};
        j["Containers"] = std::move(m);
    }
    j["Options"] = n.options;
    j["Labels"] = n.labels;
    return j.dump();
}

} // namespace berth::network
