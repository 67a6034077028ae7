// /networks: create, list, inspect, remove, prune, connect, disconnect —
// moby's network router behaviour, including its error texts and statuses.
#include "api/network_routes.h"

#include "api/filters.h"
#include "api/image_errors.h"
#include "images/time_format.h"
#include "network/container_hooks.h"
#include "network/errors.h"
#include "network/network_json.h"
#include "network/network.h"
#include "network/network_service.h"

#include <nlohmann/json.hpp>

#include <regex>

namespace berth::api {
namespace {

using nlohmann::json;
using network::Network;
using network::NetworkService;

// Service errors to Docker's statuses; Forbidden is the network-only 403.
template <class Fn>
Response guarded(Fn &&fn) {
    try {
        return fn();
    } catch (const network::Forbidden &e) {
        throw ApiError(403, e.what());
    } catch (const ApiError &) {
        throw;
    } catch (...) {
        throw image_api_error(std::current_exception());
    }
}

network::StringMap string_map(const json &body, const char *key) {
    if (!body.contains(key) || body[key].is_null()) return {};
    return body[key].get<network::StringMap>();
}

std::string body_string(const json &body, const char *key) {
    if (!body.contains(key) || body[key].is_null()) return {};
    return body[key].get<std::string>();
}

bool body_bool(const json &body, const char *key, bool fallback = false) {
    if (!body.contains(key) || body[key].is_null()) return fallback;
    return body[key].get<bool>();
}

// A member that must be an object (or an array) when present: Go's decoder
// refuses the whole body otherwise, and so do we rather than ignore it.
const json *member_of_type(const json &body, const char *key, json::value_t type, const char *go_type) {
    if (!body.contains(key) || body[key].is_null()) return nullptr;
    const json &v = body[key];
    if (v.type() != type)
        throw ApiError(400, std::string("invalid JSON: json: cannot unmarshal ") + v.type_name() +
                                " into Go struct field " + key + " of type " + go_type);
    return &v;
}

json parse_body(const std::string &text) {
    const json body = text.empty() ? json::object() : json::parse(text);
    if (!body.is_object()) throw ApiError(400, "invalid JSON: expected an object");
    return body;
}

network::CreateRequest parse_create(const std::string &text) {
    try {
        const json body = parse_body(text);
        network::CreateRequest r;
        r.name = body_string(body, "Name");
        r.driver = body_string(body, "Driver");
        r.check_duplicate = body_bool(body, "CheckDuplicate", true);
        r.internal = body_bool(body, "Internal");
        r.attachable = body_bool(body, "Attachable");
        r.ingress = body_bool(body, "Ingress");
        r.config_only = body_bool(body, "ConfigOnly");
        r.enable_ipv6 = body_bool(body, "EnableIPv6");
        if (const auto *from = member_of_type(body, "ConfigFrom", json::value_t::object, "network.ConfigReference"))
            r.config_from = body_string(*from, "Network");
        r.options = string_map(body, "Options");
        r.labels = string_map(body, "Labels");
        if (const auto *ipam = member_of_type(body, "IPAM", json::value_t::object, "network.IPAM")) {
            r.ipam_driver = body_string(*ipam, "Driver");
            r.ipam_options = string_map(*ipam, "Options");
            if (const auto *configs = member_of_type(*ipam, "Config", json::value_t::array, "[]network.IPAMConfig"))
                for (const auto &c : *configs) {
                    if (!c.is_object() && !c.is_null())
                        throw ApiError(400, std::string("invalid JSON: json: cannot unmarshal ") + c.type_name() +
                                                " into Go struct field IPAM.Config of type network.IPAMConfig");
                    network::IpamPoolConfig pc;
                    pc.subnet = body_string(c, "Subnet");
                    pc.ip_range = body_string(c, "IPRange");
                    pc.gateway = body_string(c, "Gateway");
                    pc.aux_addresses = string_map(c, "AuxiliaryAddresses");
                    r.ipam_config.push_back(std::move(pc));
                }
        }
        if (r.name.empty()) throw ApiError(400, "network name must not be empty");
        // dockerd refuses these names before it looks for a duplicate.
        if (network::is_predefined_name(r.name))
            throw ApiError(403, r.name + " is a pre-defined network and cannot be created");
        return r;
    } catch (const json::exception &e) {
        throw ApiError(400, std::string("invalid JSON: ") + e.what());
    }
}

std::string inspect_json(NetworkService &svc, const Network &n) {
    std::vector<network::AttachedContainer> containers;
    for (const auto &e : svc.endpoints_of_network(n.id))
        containers.push_back({e.container_id, e.container_name, e.id, e.mac_address,
                              e.ipv4_address.empty() ? "" : e.ipv4_address + "/" + std::to_string(e.prefix_len)});
    return network::network_json(n, &containers);
}

// moby's Args.Match: an exact value, or a regular expression found in it.
bool matches(const std::string &value, const std::string &pattern) {
    if (value == pattern) return true;
    try {
        return std::regex_search(value, std::regex(pattern));
    } catch (const std::regex_error &) {
        return false;
    }
}

bool all_labels(const network::StringMap &labels, const std::vector<std::string> &wanted) {
    for (const auto &w : wanted)
        if (!labels_match(labels, w)) return false;
    return true;
}

Response list_networks(NetworkService &svc, Request &req) {
    const auto f = Filters::parse(req.query_value("filters"),
                                  {"driver", "id", "name", "label", "scope", "type", "dangling"});
    for (const auto &t : f.values("type"))
        if (t != "custom" && t != "builtin") throw ApiError(400, "invalid filter: 'type'='" + t + "'");
    const bool dangling_filter = f.has("dangling");
    const bool dangling_only = f.boolean("dangling", false);
    json out = json::array();
    for (const auto &n : svc.list()) {
        if (!f.any_or_absent("driver", [&](const std::string &d) { return matches(n.driver, d); })) continue;
        if (!f.any_or_absent("id", [&](const std::string &p) { return matches(n.id, p); })) continue;
        if (!f.any_or_absent("name", [&](const std::string &p) { return matches(n.name, p); })) continue;
        if (!f.any_or_absent("scope", [&](const std::string &s) { return s == n.scope; })) continue;
        if (!f.any_or_absent("type", [&](const std::string &t) { return (t == "builtin") == n.predefined(); }))
            continue;
        if (!all_labels(n.labels, f.values("label"))) continue;
        if (dangling_filter) {
            const bool dangling = !n.predefined() && svc.endpoints_of_network(n.id).empty();
            if (dangling != dangling_only) continue;
        }
        out.push_back(json::parse(inspect_json(svc, n)));
    }
    return Response::json(200, out.dump());
}

Response prune_networks(NetworkService &svc, Request &req) {
    const auto f = Filters::parse(req.query_value("filters"), {"until", "label", "label!"});
    std::optional<std::chrono::system_clock::time_point> until;
    if (f.has("until")) {
        const auto &v = f.values("until");
        if (v.size() != 1) throw ApiError(400, "more than one until filter specified");
        until = parse_until(v.front());
    }
    const auto labels = f.values("label");
    const auto excluded = f.values("label!");
    const auto deleted = svc.prune([&](const Network &n) {
        if (until && n.created >= *until) return false;
        if (!all_labels(n.labels, labels)) return false;
        for (const auto &l : excluded)
            if (labels_match(n.labels, l)) return false;
        return true;
    });
    return Response::json(200, json{{"NetworksDeleted", deleted}}.dump());
}

Response connect(const network::ContainerHooks &hooks, Request &req, bool disconnecting) {
    json body;
    try {
        body = parse_body(req.body);
    } catch (const json::exception &e) {
        throw ApiError(400, std::string("invalid JSON: ") + e.what());
    }
    const std::string container = body.contains("Container") && body["Container"].is_string()
                                      ? body["Container"].get<std::string>()
                                      : "";
    if (container.empty()) throw ApiError(400, "container is required");
    const std::string network = req.params["id"];
    if (disconnecting) {
        if (!hooks.disconnect) throw ApiError(404, "No such container: " + container);
        hooks.disconnect(network, container, body.contains("Force") && body["Force"].is_boolean() && body["Force"].get<bool>());
    } else {
        if (!hooks.connect) throw ApiError(404, "No such container: " + container);
        const json config = body.contains("EndpointConfig") && body["EndpointConfig"].is_object()
                                ? body["EndpointConfig"]
                                : json::object();
        hooks.connect(network, container, config.dump());
    }
    return Response::empty(200);
}

} // namespace

void add_network_routes(Router &router, NetworkService &svc, const network::ContainerHooks &hooks) {
    router.add("GET", "/networks", [&svc](Request &req) { return guarded([&] { return list_networks(svc, req); }); });
    router.add("POST", "/networks/create", [&svc](Request &req) {
        return guarded([&] {
            const auto n = svc.create(parse_create(req.body));
            return Response::json(201, json{{"Id", n.id}, {"Warning", ""}}.dump());
        });
    });
    router.add("POST", "/networks/prune",
               [&svc](Request &req) { return guarded([&] { return prune_networks(svc, req); }); });
    router.add("GET", "/networks/{id}", [&svc](Request &req) {
        return guarded([&] { return Response::json(200, inspect_json(svc, svc.get(req.params["id"]))); });
    });
    router.add("DELETE", "/networks/{id}", [&svc](Request &req) {
        return guarded([&] {
            svc.remove(req.params["id"]);
            return Response::empty(204);
        });
    });
    router.add("POST", "/networks/{id}/connect",
               [&hooks](Request &req) { return guarded([&] { return connect(hooks, req, false); }); });
    router.add("POST", "/networks/{id}/disconnect",
               [&hooks](Request &req) { return guarded([&] { return connect(hooks, req, true); }); });
}

} // namespace berth::api
