#include "network/container_networking.h"

#include "network/errors.h"
#include "network/name_resolution.h"
#include "network/network_service.h"
#include "network/network_settings.h"

#include <berth/abi.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace berth::network {
namespace {

using nlohmann::json;

constexpr const char *kHostConflict = "container cannot be disconnected from host network or connected to host network";
constexpr const char *kNoneConflict =
    "container cannot be connected to multiple networks with one of the networks in private (none) mode";

// Docker's EndpointSettings as far as the core uses it.
struct EndpointConfig {
    std::string ipv4, mac;
    std::vector<std::string> aliases;
};

EndpointConfig parse_endpoint_config(const json &j) {
    EndpointConfig c;
    if (!j.is_object()) return c;
    if (j.contains("IPAMConfig") && j["IPAMConfig"].is_object()) {
        const auto &ipam = j["IPAMConfig"];
        if (ipam.contains("IPv4Address") && ipam["IPv4Address"].is_string())
            c.ipv4 = ipam["IPv4Address"].get<std::string>();
    }
    if (j.contains("MacAddress") && j["MacAddress"].is_string()) c.mac = j["MacAddress"].get<std::string>();
    if (j.contains("Aliases") && j["Aliases"].is_array())
        for (const auto &a : j["Aliases"])
            if (a.is_string() && !a.get<std::string>().empty()) c.aliases.push_back(a.get<std::string>());
    return c;
}

json parse_object_text(const std::string &text, const char *what) {
    if (text.empty()) return json::object();
    auto j = json::parse(text, nullptr, false);
    if (j.is_null()) return json::object();
    if (j.is_discarded() || !j.is_object()) throw InvalidArgument(std::string(what) + ": expected a JSON object");
    return j;
}

bool is_not_found(const DriverError &e) { return e.code() == BERTH_E_NOTFOUND; }

std::string mtu_for(const Network &n, int fallback) {
    if (auto it = n.options.find("com.docker.network.driver.mtu"); it != n.options.end()) return it->second;
    return std::to_string(fallback);
}

} // namespace

struct ContainerNetworking::Join {
    Network network;
    NetworkService::EndpointRequest request;
};

ContainerNetworking::ContainerNetworking(NetworkService &networks, SandboxDns *dns, PortOptions ports)
    : networks_(networks), dns_(dns), ports_(ports.ephemeral_range, std::move(ports.probe)) {}

ContainerNetworking::~ContainerNetworking() = default;

std::string ContainerNetworking::mode_network(const std::string &mode) {
    if (mode.empty() || mode == "default") return kDefaultBridge;
    return mode;
}

std::vector<ContainerNetworking::Join> ContainerNetworking::plan_joins(const ContainerNetworkSpec &spec) const {
    std::vector<Join> joins;
    if (is_container_mode(spec.network_mode)) return joins;
    const std::string mode = mode_network(spec.network_mode);
    const json endpoints = parse_object_text(spec.endpoints_config_json, "EndpointsConfig");
    const Network primary = networks_.get(mode);
    // The EndpointsConfig entry for the mode's network may be keyed by the
    // name the user typed ("default" included: docker 28 keys it by
    // NetworkMode as given), the network's name or its id.
    const json *primary_config = nullptr;
    std::vector<std::string> others;
    for (const auto &[key, value] : endpoints.items()) {
        if (key == mode || key == spec.network_mode || key == primary.name || key == primary.id) {
            primary_config = &value;
            continue;
        }
        others.push_back(key);
    }
    std::sort(others.begin(), others.end());
    auto request_for = [&](const json *config, bool first) {
        const auto c = config ? parse_endpoint_config(*config) : EndpointConfig{};
        NetworkService::EndpointRequest r;
        r.container_id = spec.container_id;
        r.container_name = spec.container_name;
        r.requested_ipv4 = c.ipv4;
        r.aliases = c.aliases;
        r.mac_address = !c.mac.empty() ? c.mac : (first ? spec.mac_address : "");
        return r;
    };
    joins.push_back({primary, request_for(primary_config, true)});
    for (const auto &key : others) joins.push_back({networks_.get(key), request_for(&endpoints[key], false)});
    const bool builtin_mode = primary.builtin_driver();
    bool any_builtin = builtin_mode;
    for (size_t i = 1; i < joins.size(); ++i) any_builtin = any_builtin || joins[i].network.builtin_driver();
    if (joins.size() > 1 && any_builtin) {
        std::string names;
        for (const auto &j : joins) names += (names.empty() ? "" : ", ") + j.network.name;
        throw InvalidArgument("Container cannot be connected to network endpoints: " + names);
    }
    if (primary.driver == kHostDriver && !spec.mac_address.empty())
        throw InvalidArgument("conflicting options: mac-address and the network mode");
    return joins;
}

void ContainerNetworking::validate(const ContainerNetworkSpec &spec) const {
    const auto plan = parse_port_plan(spec.port_bindings_json, spec.exposed_ports_json, spec.publish_all);
    if (is_container_mode(spec.network_mode)) {
        if (!plan.publish.empty())
            throw InvalidArgument("conflicting options: port publishing and the container type network mode");
        if (!parse_object_text(spec.endpoints_config_json, "EndpointsConfig").empty())
            throw InvalidArgument("conflicting options: container type network can't be used with multiple networks");
        if (spec.network_mode.size() <= std::string("container:").size())
            throw InvalidArgument("invalid network mode: " + spec.network_mode + " (container:<name|id>)");
        return;
    }
    for (const auto &j : plan_joins(spec)) networks_.check_endpoint_request(j.network.id, j.request);
}

Endpoint ContainerNetworking::join_one(const Join &join, const std::string &netns_path, int index, bool external,
                                       const PortPlan *ports) {
    const Network &n = join.network;
    Endpoint e = networks_.add_endpoint(n.id, join.request);
    if (n.builtin_driver()) { // host and none: nothing to plumb
        networks_.publish_event(n, "connect", {{"container", e.container_id}});
        return e;
    }
    auto driver = networks_.driver_for(n);
    if (!driver) {
        networks_.remove_endpoint(e.id);
        throw InternalError("network " + n.name + ": its driver \"" + n.driver + "\" is not loaded");
    }
    const char *stage = "create endpoint";
    try {
        const json iface = {{"v", 1},
                            {"address", e.ipv4_address + "/" + std::to_string(e.prefix_len)},
                            {"mac", e.mac_address},
                            {"options", json::object()}};
        const std::string completed = driver->create_endpoint(n.id, e.id, iface.dump());
        if (!completed.empty()) {
            const auto out = json::parse(completed, nullptr, false);
            if (out.is_object() && out.contains("mac") && out["mac"].is_string() &&
                out["mac"].get<std::string>() != e.mac_address) {
                e.mac_address = out["mac"].get<std::string>();
                networks_.update_endpoint(e);
            }
        }
        stage = "join";
        const json join_opts = {{"v", 1},
                                {"ifname_prefix", "eth"},
                                {"ifname", "eth" + std::to_string(index)},
                                {"mtu", std::stoi(mtu_for(n, networks_.mtu()))},
                                {"disable_gateway", !external}};
        driver->join(n.id, e.id, netns_path, join_opts.dump());
        if (external) {
            stage = "program external connectivity";
            std::vector<PortBinding> held;
            for (const auto &other : networks_.all_endpoints())
                if (other.container_id != e.container_id)
                    held.insert(held.end(), other.ports.begin(), other.ports.end());
            if (ports) {
                e.ports = ports_.choose(ports->publish, held);
                e.exposed = ports->exposed;
            }
            json published = json::array();
            for (const auto &p : e.ports)
                published.push_back({{"proto", p.proto},
                                     {"container_port", p.container_port},
                                     {"host_ip", p.host_ip.empty() ? "0.0.0.0" : p.host_ip},
                                     {"host_port", p.host_port}});
            json exposed = json::array();
            for (const auto &p : e.exposed) exposed.push_back({{"proto", p.proto}, {"port", p.port}});
            e.external = true; // from here on detach revokes, even if the call fails half-way
            networks_.update_endpoint(e);
            driver->program_external(n.id, e.id, json{{"v", 1}, {"ports", published}, {"exposed", exposed}}.dump());
        }
    } catch (const DriverError &err) {
        leave_one(e);
        if (std::string(stage) == "program external connectivity")
            throw InternalError("driver failed programming external connectivity on endpoint " + e.container_name +
                                " (" + e.id + "): " + err.what());
        throw InternalError("failed to " + std::string(stage) + " " + e.container_name + " on network " + n.name +
                            ": " + err.what());
    } catch (...) {
        leave_one(e);
        throw;
    }
    networks_.publish_event(n, "connect", {{"container", e.container_id}});
    return e;
}

void ContainerNetworking::leave_one(const Endpoint &e) {
    const auto n = networks_.find(e.network_id);
    const auto driver = n ? networks_.driver_for(*n) : nullptr;
    auto attempt = [&](const char *what, auto &&call) {
        try {
            call();
        } catch (const DriverError &err) {
            if (!is_not_found(err))
                spdlog::warn("network: {} of endpoint {} (container {}): {}", what, e.id.substr(0, 12),
                             e.container_id.substr(0, 12), err.what());
        }
    };
    if (driver) {
        if (e.external) attempt("revoke_external", [&] { driver->revoke_external(e.network_id, e.id); });
        attempt("leave", [&] { driver->leave(e.network_id, e.id); });
        attempt("delete_endpoint", [&] { driver->delete_endpoint(e.network_id, e.id); });
    } else if (n && !n->builtin_driver()) {
        spdlog::warn("network: driver {} is not loaded; endpoint {} of container {} goes without its cleanup",
                     n->driver, e.id.substr(0, 12), e.container_id.substr(0, 12));
    }
    try {
        networks_.remove_endpoint(e.id);
        if (n) networks_.publish_event(*n, "disconnect", {{"container", e.container_id}});
    } catch (const std::exception &err) {
        spdlog::error("network: removing endpoint {}: {}", e.id.substr(0, 12), err.what());
    }
}

std::string ContainerNetworking::attach(const ContainerNetworkSpec &spec, const std::string &netns_path) {
    std::lock_guard lock(mu_);
    // Endpoints left from a run whose exit berthd never saw: start clean.
    for (const auto &stale : networks_.endpoints_of_container(spec.container_id)) leave_one(stale);
    const auto joins = plan_joins(spec);
    std::optional<PortPlan> ports;
    if (!joins.empty() && !joins.front().network.builtin_driver())
        ports = parse_port_plan(spec.port_bindings_json, spec.exposed_ports_json, spec.publish_all);
    // The first plugin network that reaches outside carries the default
    // route and the published ports (Docker's gateway endpoint).
    size_t external = joins.size();
    for (size_t i = 0; i < joins.size(); ++i)
        if (!joins[i].network.builtin_driver() && !joins[i].network.internal) {
            external = i;
            break;
        }
    std::vector<Endpoint> done;
    try {
        int index = 0;
        for (size_t i = 0; i < joins.size(); ++i) {
            const bool plumbed = !joins[i].network.builtin_driver();
            done.push_back(join_one(joins[i], netns_path, plumbed ? index : 0, i == external,
                                    ports ? &*ports : nullptr));
            if (plumbed) ++index;
        }
    } catch (...) {
        for (auto it = done.rbegin(); it != done.rend(); ++it) leave_one(*it);
        throw;
    }
    dns_add_if_needed(spec.container_id, netns_path);
    return network_settings(spec.container_id, netns_path, &spec);
}

void ContainerNetworking::detach(const std::string &container_id) {
    std::lock_guard lock(mu_);
    for (const auto &e : networks_.endpoints_of_container(container_id)) leave_one(e);
    if (dns_sandboxes_.erase(container_id) && dns_) dns_->remove_sandbox(container_id);
}

void ContainerNetworking::restore(const std::string &container_id, const std::string &netns_path) {
    std::lock_guard lock(mu_);
    dns_add_if_needed(container_id, netns_path);
}

bool ContainerNetworking::on_user_defined_network(const std::string &container_id) const {
    for (const auto &e : networks_.endpoints_of_container(container_id))
        if (const auto n = networks_.find(e.network_id); n && n->user_defined()) return true;
    return false;
}

void ContainerNetworking::dns_add_if_needed(const std::string &container_id, const std::string &netns_path) {
    if (!dns_ || dns_sandboxes_.count(container_id) || !on_user_defined_network(container_id)) return;
    try {
        dns_->add_sandbox(container_id, netns_path);
        dns_sandboxes_.insert(container_id);
    } catch (const std::exception &e) {
        // The container runs without name resolution rather than not at all.
        spdlog::error("network: embedded DNS for container {}: {}", container_id.substr(0, 12), e.what());
    }
}

void ContainerNetworking::dns_remove_if_unneeded(const std::string &container_id) {
    if (!dns_sandboxes_.count(container_id) || on_user_defined_network(container_id)) return;
    dns_sandboxes_.erase(container_id);
    if (dns_) dns_->remove_sandbox(container_id);
}

std::string ContainerNetworking::connect(const std::string &container_id, const std::string &container_name,
                                         const std::string &network, const std::string &endpoint_config_json,
                                         const std::string &netns_path) {
    std::lock_guard lock(mu_);
    const Network n = networks_.get(network);
    if (n.driver == kHostDriver) throw InvalidArgument(kHostConflict);
    if (n.driver == kNullDriver) throw InvalidArgument(kNoneConflict);
    const auto existing = networks_.endpoints_of_container(container_id);
    bool have_external = false;
    int plumbed = 0;
    for (const auto &e : existing) {
        const auto other = networks_.find(e.network_id);
        if (other && other->driver == kHostDriver) throw InvalidArgument(kHostConflict);
        if (other && other->driver == kNullDriver) throw InvalidArgument(kNoneConflict);
        if (e.network_id == n.id)
            throw Forbidden("endpoint with name " + container_name + " already exists in network " + n.name);
        have_external = have_external || e.external;
        if (other && !other->builtin_driver()) ++plumbed;
    }
    json config = json::object();
    if (!endpoint_config_json.empty()) {
        config = json::parse(endpoint_config_json, nullptr, false);
        if (config.is_discarded()) throw InvalidArgument("EndpointConfig: not valid JSON");
    }
    const auto c = parse_endpoint_config(config);
    Join join{n, {}};
    join.request.container_id = container_id;
    join.request.container_name = container_name;
    join.request.requested_ipv4 = c.ipv4;
    join.request.aliases = c.aliases;
    join.request.mac_address = c.mac;
    if (netns_path.empty()) {
        networks_.check_endpoint_request(n.id, join.request);
        return {};
    }
    join_one(join, netns_path, plumbed, !have_external && !n.internal, nullptr);
    dns_add_if_needed(container_id, netns_path);
    return network_settings(container_id, netns_path);
}

void ContainerNetworking::disconnect(const std::string &container_id, const std::string &network, bool force) {
    std::lock_guard lock(mu_);
    const auto n = networks_.find(network);
    if (!n) {
        if (force) return;
        throw NotFound("network " + network + " not found");
    }
    if (n->driver == kHostDriver) throw InvalidArgument(kHostConflict);
    for (const auto &e : networks_.endpoints_of_container(container_id))
        if (e.network_id == n->id) {
            leave_one(e);
            dns_remove_if_unneeded(container_id);
            return;
        }
    if (!force) throw InvalidArgument("container " + container_id + " is not connected to network " + n->name);
}

std::string ContainerNetworking::network_settings(const std::string &container_id, const std::string &netns_path,
                                                  const ContainerNetworkSpec *spec) const {
    SettingsInput in;
    in.container_id = container_id;
    in.sandbox_key = netns_path;
    in.endpoints = networks_.endpoints_of_container(container_id);
    for (const auto &e : in.endpoints)
        if (const auto n = networks_.find(e.network_id)) in.networks.push_back(*n);
    if (spec && !is_container_mode(spec->network_mode)) {
        std::vector<std::string> wanted{mode_network(spec->network_mode)};
        try {
            const json endpoints = parse_object_text(spec->endpoints_config_json, "EndpointsConfig");
            for (const auto &[key, value] : endpoints.items()) wanted.push_back(key);
        } catch (const std::exception &) {
        }
        for (const auto &w : wanted) {
            std::optional<Network> n;
            try {
                n = networks_.find(w);
            } catch (const std::exception &) {
            }
            if (n) in.networks.push_back(*n);
            in.configured.push_back(n ? n->name : w);
        }
        try {
            in.exposed = parse_port_plan(spec->port_bindings_json, spec->exposed_ports_json, false).exposed;
        } catch (const std::exception &) {
        }
    }
    return network_settings_json(in);
}

std::vector<ContainerAddress> ContainerNetworking::addresses(const std::string &container_id) const {
    std::vector<ContainerAddress> out;
    for (const auto &e : networks_.endpoints_of_container(container_id)) {
        if (e.ipv4_address.empty()) continue;
        const auto n = networks_.find(e.network_id);
        out.push_back({n ? n->name : e.network_id, e.ipv4_address, e.aliases});
    }
    return out;
}

bool ContainerNetworking::uses_embedded_dns(const ContainerNetworkSpec &spec) const {
    try {
        for (const auto &j : plan_joins(spec))
            if (j.network.user_defined()) return true;
    } catch (const std::exception &) {
    }
    return false;
}

std::vector<std::string> ContainerNetworking::resolve(const std::string &sandbox_id, const std::string &name) const {
    return resolve_container_name(networks_.list(), networks_.all_endpoints(), sandbox_id, name);
}

} // namespace berth::network
