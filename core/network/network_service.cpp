#include "network/network_service.h"

#include "images/random_id.h"
#include "network/errors.h"
#include "network/ipam/host_routes.h"

#include <berth/abi.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace berth::network {
namespace {

using ipam::Ipv4;
using ipam::Ipv4Prefix;

// Docker's options on the default bridge, with berth's interface name.
StringMap default_bridge_options(int mtu) {
    return {{"com.docker.network.bridge.default_bridge", "true"},
            {"com.docker.network.bridge.enable_icc", "true"},
            {"com.docker.network.bridge.enable_ip_masquerade", "true"},
            {"com.docker.network.bridge.host_binding_ipv4", "0.0.0.0"},
            {"com.docker.network.bridge.name", "berth0"},
            {"com.docker.network.driver.mtu", std::to_string(mtu)}};
}

std::optional<ipam::AddressSpace> space_for(const Network &n) {
    if (n.ipam_config.empty()) return std::nullopt;
    const auto &c = n.ipam_config.front();
    const auto subnet = ipam::parse_cidr(c.subnet);
    if (!subnet) return std::nullopt;
    std::optional<Ipv4Prefix> range;
    if (!c.ip_range.empty()) range = ipam::parse_cidr(c.ip_range);
    std::optional<Ipv4> gateway;
    if (!c.gateway.empty()) gateway = ipam::parse_ipv4(c.gateway);
    return ipam::AddressSpace(*subnet, range, gateway);
}

std::string driver_message(const DriverError &e) { return e.what(); }

} // namespace

std::string mac_for_ipv4(const std::string &ipv4) {
    const auto a = ipam::parse_ipv4(ipv4);
    if (!a) return {};
    char buf[18];
    std::snprintf(buf, sizeof buf, "02:42:%02x:%02x:%02x:%02x", unsigned(*a >> 24), unsigned((*a >> 16) & 0xff),
                  unsigned((*a >> 8) & 0xff), unsigned(*a & 0xff));
    return buf;
}

NetworkService::NetworkService(NetworkServiceConfig config, DriverLookup drivers)
    : config_(std::move(config)), drivers_(std::move(drivers)),
      pools_(ipam::parse_address_pools(config_.default_address_pools_json)), store_(config_.data_root / "network") {
    if (!config_.host_routes) config_.host_routes = [] { return ipam::host_routes(); };
    if (!config_.bip.empty()) {
        const auto bip = ipam::parse_cidr(config_.bip);
        if (!bip || bip->len > 30 || bip->addr == bip->network() || bip->addr == bip->broadcast())
            throw InvalidArgument("bip: " + config_.bip + " is not an IPv4 address with a prefix (like 172.30.0.1/16)");
    }
    {
        std::lock_guard lock(mu_);
        load();
        ensure_predefined_locked();
    }
    create_in_drivers();
}

void NetworkService::load() {
    auto loaded = store_.load();
    load_errors_ = std::move(loaded.errors);
    for (auto &n : loaded.networks) {
        NetState s;
        s.space = space_for(n);
        s.network = std::move(n);
        networks_.emplace(s.network.id, std::move(s));
    }
    for (auto &e : loaded.endpoints) {
        auto it = networks_.find(e.network_id);
        if (it == networks_.end())
            spdlog::warn("network: endpoint {} of container {} names network {}, which does not exist", e.id,
                         e.container_id, e.network_id);
        else if (it->second.space && !e.ipv4_address.empty())
            if (const auto a = ipam::parse_ipv4(e.ipv4_address)) it->second.space->mark_used(*a);
        endpoints_.emplace(e.id, std::move(e));
    }
}

void NetworkService::ensure_predefined_locked() {
    auto by_name = [this](const std::string &name) -> NetState * {
        for (auto &[id, s] : networks_)
            if (s.network.name == name) return &s;
        return nullptr;
    };
    if (!by_name(kHostNetwork)) {
        Network n;
        n.name = kHostNetwork;
        n.driver = kHostDriver;
        make_network_locked(std::move(n));
    }
    if (!by_name(kNoneNetwork)) {
        Network n;
        n.name = kNoneNetwork;
        n.driver = kNullDriver;
        make_network_locked(std::move(n));
    }
    if (!config_.default_bridge) return;
    // The default bridge follows bip: a changed bip moves it (while no
    // endpoint holds an address in the old subnet), as dockerd re-creates
    // its default bridge at every start.
    IpamPoolConfig wanted;
    if (!config_.bip.empty()) {
        const auto bip = *ipam::parse_cidr(config_.bip);
        wanted.subnet = bip.canonical().str();
        wanted.gateway = ipam::format_ipv4(bip.addr);
    }
    NetState *bridge = by_name(kDefaultBridge);
    if (bridge && !wanted.subnet.empty() && !bridge->network.ipam_config.empty() &&
        (bridge->network.ipam_config.front().subnet != wanted.subnet ||
         bridge->network.ipam_config.front().gateway != wanted.gateway)) {
        if (has_endpoints_locked(bridge->network.id)) {
            spdlog::warn("network: bip {} differs from the default bridge's subnet {}, which containers still use; "
                         "keeping it",
                         config_.bip, bridge->network.ipam_config.front().subnet);
        } else {
            spdlog::info("network: moving the default bridge to {} (bip)", config_.bip);
            Network n = bridge->network;
            n.ipam_config = {wanted};
            n.options = default_bridge_options(config_.mtu);
            if (auto d = driver_for(n)) try {
                    d->delete_network(n.id);
                } catch (const DriverError &e) {
                    spdlog::warn("network: deleting the old default bridge: {}", e.what());
                }
            store_.save(n);
            bridge->network = n;
            bridge->space = space_for(n);
        }
        return;
    }
    if (bridge) return;
    Network n;
    n.name = kDefaultBridge;
    n.driver = kBridgeDriver;
    n.options = default_bridge_options(config_.mtu);
    if (wanted.subnet.empty()) {
        auto taken = taken_subnets_locked();
        for (const auto &r : config_.host_routes()) taken.push_back(r);
        const auto subnet = ipam::next_free_subnet(pools_, taken);
        if (!subnet) throw Forbidden(std::string("default bridge: ") + ipam::kPoolsExhausted);
        wanted.subnet = subnet->str();
        wanted.gateway = ipam::format_ipv4(subnet->network() + 1);
    }
    n.ipam_config = {wanted};
    make_network_locked(std::move(n));
}

std::string NetworkService::driver_config_json(const Network &n) {
    using nlohmann::json;
    json ipv4 = json::array();
    for (const auto &c : n.ipam_config) {
        json o = {{"subnet", c.subnet}, {"gateway", c.gateway}};
        if (!c.ip_range.empty()) o["ip_range"] = c.ip_range;
        ipv4.push_back(std::move(o));
    }
    return json{{"v", 1},
                {"name", n.name},
                {"options", n.options},
                {"labels", n.labels},
                {"internal", n.internal},
                {"enable_ipv6", n.enable_ipv6},
                {"ipv4", ipv4},
                {"ipv6", json::array()}}
        .dump();
}

void NetworkService::create_in_drivers() {
    std::vector<Network> to_create;
    {
        std::lock_guard lock(mu_);
        for (const auto &[id, s] : networks_)
            if (!s.network.builtin_driver() && (config_.default_bridge || s.network.name != kDefaultBridge))
                to_create.push_back(s.network);
    }
    for (const auto &n : to_create) {
        auto driver = driver_for(n);
        if (!driver) {
            spdlog::warn("network: {} ({}) uses driver {}, which no plugin offers; it carries no traffic", n.name,
                         n.id.substr(0, 12), n.driver);
            continue;
        }
        try {
            driver->create_network(n.id, driver_config_json(n));
        } catch (const DriverError &e) {
            if (e.code() == BERTH_E_EXISTS) continue; // the driver adopted it from its own state
            spdlog::error("network: driver {} could not create network {}: {}", n.driver, n.name, e.what());
        }
    }
}

bool NetworkService::driver_known(const std::string &driver) const {
    return is_builtin_driver(driver) || (drivers_ && drivers_(driver) != nullptr);
}

std::shared_ptr<NetworkDriver> NetworkService::driver_for(const Network &n) const {
    if (n.builtin_driver() || !drivers_) return nullptr;
    return drivers_(n.driver);
}

Network NetworkService::make_network_locked(Network n) {
    n.id = images::random_hex(32);
    n.created = std::chrono::system_clock::now();
    // Record first: a kill -9 before the driver call leaves a network that
    // the next start creates in its driver; the reverse would leak a bridge.
    store_.save(n);
    NetState s;
    s.space = space_for(n);
    s.network = n;
    networks_.emplace(n.id, std::move(s));
    return n;
}

const NetworkService::NetState *NetworkService::lookup_locked(const std::string &q) const {
    if (q.empty()) return nullptr;
    if (auto it = networks_.find(q); it != networks_.end()) return &it->second;
    for (const auto &[id, s] : networks_)
        if (s.network.name == q) return &s;
    const NetState *found = nullptr;
    size_t matches = 0;
    for (const auto &[id, s] : networks_)
        if (id.compare(0, q.size(), q) == 0) {
            found = &s;
            ++matches;
        }
    if (matches > 1)
        throw InvalidArgument("network " + q + " is ambiguous (" + std::to_string(matches) +
                              " matches found based on ID prefix)");
    return found;
}

NetworkService::NetState &NetworkService::state_locked(const std::string &q) {
    const auto *s = lookup_locked(q);
    if (!s) throw NotFound("network " + q + " not found");
    return const_cast<NetState &>(*s);
}

std::vector<Ipv4Prefix> NetworkService::taken_subnets_locked() const {
    std::vector<Ipv4Prefix> out;
    for (const auto &[id, s] : networks_)
        if (s.space) out.push_back(s.space->subnet());
    return out;
}

IpamPoolConfig NetworkService::pick_ipam_locked(const std::vector<IpamPoolConfig> &requested,
                                                const std::string &name) {
    if (requested.size() > 1) throw InvalidArgument("berth supports one IPv4 subnet per network; " + name + " asks for " +
                                                    std::to_string(requested.size()));
    IpamPoolConfig out = requested.empty() ? IpamPoolConfig{} : requested.front();
    if (out.subnet.empty()) {
        if (!out.gateway.empty() || !out.ip_range.empty())
            throw InvalidArgument("a gateway or ip-range needs a subnet (--subnet)");
        auto taken = taken_subnets_locked();
        for (const auto &r : config_.host_routes()) taken.push_back(r);
        const auto subnet = ipam::next_free_subnet(pools_, taken);
        if (!subnet) throw Forbidden(ipam::kPoolsExhausted);
        out.subnet = subnet->str();
        out.gateway = ipam::format_ipv4(subnet->network() + 1);
        return out;
    }
    const auto subnet = ipam::parse_cidr(out.subnet);
    if (!subnet) {
        if (out.subnet.find(':') != std::string::npos)
            throw InvalidArgument("invalid subnet " + out.subnet + ": IPv6 networks are not supported yet");
        throw InvalidArgument("invalid subnet " + out.subnet + ": not an IPv4 CIDR (like 172.20.0.0/16)");
    }
    if (subnet->addr != subnet->network())
        throw InvalidArgument("invalid subnet " + out.subnet + ": it should be " + subnet->canonical().str());
    if (subnet->len > 30) throw InvalidArgument("invalid subnet " + out.subnet + ": it leaves no address for containers");
    // Only other networks block a user-given subnet; host routes do not
    // (Docker lets users overlap a LAN on purpose).
    for (const auto &t : taken_subnets_locked())
        if (t.overlaps(*subnet)) throw Forbidden("Pool overlaps with other one on this address space");
    if (!out.ip_range.empty()) {
        const auto range = ipam::parse_cidr(out.ip_range);
        if (!range) throw InvalidArgument("invalid ip-range " + out.ip_range + ": not an IPv4 CIDR");
        if (!subnet->contains(range->canonical()))
            throw InvalidArgument("invalid ip-range " + out.ip_range + ": it must be a subset of subnet " + out.subnet);
        out.ip_range = range->canonical().str();
    }
    if (out.gateway.empty()) {
        out.gateway = ipam::format_ipv4(subnet->network() + 1);
    } else {
        // docker network create sends the bare address; accept "a.b.c.d/len" too.
        std::string gw = out.gateway.substr(0, out.gateway.find('/'));
        const auto g = ipam::parse_ipv4(gw);
        if (!g) throw InvalidArgument("invalid gateway address " + out.gateway);
        if (!subnet->contains(*g) || *g == subnet->network() || *g == subnet->broadcast())
            throw InvalidArgument("invalid gateway " + out.gateway + ": it must belong to subnet " + out.subnet +
                                  " and not be its network or broadcast address");
        out.gateway = gw;
    }
    return out;
}

Network NetworkService::create(const CreateRequest &req) {
    std::lock_guard lock(mu_);
    if (req.name.empty()) throw InvalidArgument("network name must not be empty");
    for (const auto &[id, s] : networks_)
        if (s.network.name == req.name) throw Conflict("network with name " + req.name + " already exists");
    const std::string driver = req.driver.empty() ? kBridgeDriver : req.driver;
    if (is_builtin_driver(driver))
        throw Forbidden("only one instance of \"" + driver + "\" network is allowed");
    if (!driver_known(driver)) throw NotFound("plugin \"" + driver + "\" not found");
    if (!req.ipam_driver.empty() && req.ipam_driver != "default")
        throw NotFound("plugin \"" + req.ipam_driver + "\" not found");
    if (req.enable_ipv6) throw InvalidArgument("IPv6 networks are not supported yet (EnableIPv6)");
    if (!req.config_from.empty() || req.config_only)
        throw InvalidArgument("config-only networks and --config-from are not supported");
    if (req.ingress) throw Forbidden("ingress networks exist only in swarm mode");

    Network n;
    n.name = req.name;
    n.driver = driver;
    n.internal = req.internal;
    n.attachable = req.attachable;
    n.ipam_options = req.ipam_options;
    n.options = req.options;
    n.labels = req.labels;
    n.ipam_user_configured = !req.ipam_config.empty() && !req.ipam_config.front().subnet.empty();
    n.ipam_config = {pick_ipam_locked(req.ipam_config, req.name)};
    n = make_network_locked(std::move(n));
    try {
        driver_for(n)->create_network(n.id, driver_config_json(n));
    } catch (const DriverError &e) {
        networks_.erase(n.id);
        try {
            store_.remove_network(n.id);
        } catch (const std::exception &rm) {
            spdlog::warn("network: {}", rm.what());
        }
        if (e.code() == BERTH_E_INVAL) throw InvalidArgument(driver_message(e));
        if (e.code() == BERTH_E_EXISTS) throw Conflict(driver_message(e));
        throw InternalError("driver " + driver + " could not create network " + req.name + ": " + driver_message(e));
    }
    publish_event(n, "create");
    return n;
}

Network NetworkService::get(const std::string &q) const {
    std::lock_guard lock(mu_);
    const auto *s = lookup_locked(q);
    if (!s) throw NotFound("network " + q + " not found");
    return s->network;
}

std::optional<Network> NetworkService::find(const std::string &q) const {
    std::lock_guard lock(mu_);
    const auto *s = lookup_locked(q);
    if (!s) return std::nullopt;
    return s->network;
}

std::vector<Network> NetworkService::list() const {
    std::lock_guard lock(mu_);
    std::vector<Network> out;
    for (const auto &[id, s] : networks_) out.push_back(s.network);
    std::sort(out.begin(), out.end(), [](const Network &a, const Network &b) { return a.name < b.name; });
    return out;
}

bool NetworkService::has_endpoints_locked(const std::string &network_id) const {
    for (const auto &[id, e] : endpoints_)
        if (e.network_id == network_id) return true;
    return false;
}

void NetworkService::remove(const std::string &q) {
    std::lock_guard lock(mu_);
    const auto &s = state_locked(q);
    if (s.network.predefined())
        throw Forbidden(s.network.name + " is a pre-defined network and cannot be removed");
    if (has_endpoints_locked(s.network.id))
        throw Forbidden("error while removing network: network " + s.network.name + " id " + s.network.id +
                        " has active endpoints");
    delete_network_locked(s.network.id);
}

void NetworkService::delete_network_locked(const std::string &id) {
    const Network n = networks_.at(id).network;
    if (auto driver = driver_for(n)) {
        try {
            driver->delete_network(n.id);
        } catch (const DriverError &e) {
            if (e.code() == BERTH_E_BUSY)
                throw Forbidden("error while removing network: network " + n.name + " id " + n.id +
                                " has active endpoints");
            if (e.code() != BERTH_E_NOTFOUND)
                throw InternalError("error while removing network: " + n.name + ": " + driver_message(e));
        }
    } else if (!n.builtin_driver()) {
        spdlog::warn("network: removing {} without its driver {} (not loaded)", n.name, n.driver);
    }
    store_.remove_network(n.id);
    networks_.erase(n.id);
    publish_event(n, "destroy");
}

std::vector<std::string> NetworkService::prune(const std::function<bool(const Network &)> &select) {
    std::lock_guard lock(mu_);
    std::vector<std::string> doomed;
    for (const auto &[id, s] : networks_)
        if (!s.network.predefined() && !has_endpoints_locked(id) && select(s.network)) doomed.push_back(id);
    std::vector<std::string> names;
    for (const auto &id : doomed) {
        const std::string name = networks_.at(id).network.name;
        try {
            delete_network_locked(id);
            names.push_back(name);
        } catch (const std::exception &e) {
            spdlog::warn("network: prune could not remove {}: {}", name, e.what());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

Endpoint NetworkService::add_endpoint(const std::string &network_id, const EndpointRequest &req) {
    std::lock_guard lock(mu_);
    NetState &s = state_locked(network_id);
    const Network &n = s.network;
    for (const auto &[id, e] : endpoints_)
        if (e.network_id == n.id && e.container_id == req.container_id)
            throw Forbidden("endpoint with name " + req.container_name + " already exists in network " + n.name);
    const auto requested = check_request_locked(s, req);
    Endpoint e;
    e.id = images::random_hex(32);
    e.network_id = n.id;
    e.container_id = req.container_id;
    e.container_name = req.container_name;
    e.aliases = req.aliases;
    e.requested_ipv4 = req.requested_ipv4;
    std::optional<Ipv4> taken;
    if (s.space) {
        if (requested) {
            if (s.space->request(*requested) != ipam::RequestError::None) throw Conflict(ipam::kAddressInUse);
            taken = requested;
        } else {
            taken = s.space->allocate();
            if (!taken)
                throw Forbidden("no available IPv4 addresses on this network's address pools: " + n.name + " (" +
                                n.id + ")");
        }
        e.ipv4_address = ipam::format_ipv4(*taken);
        e.prefix_len = s.space->subnet().len;
        e.gateway = n.ipam_config.front().gateway;
        e.mac_address = req.mac_address.empty() ? mac_for_ipv4(e.ipv4_address) : req.mac_address;
    }
    try {
        store_.save(e);
    } catch (...) {
        if (taken) s.space->release(*taken);
        throw;
    }
    endpoints_.emplace(e.id, e);
    return e;
}

std::optional<Ipv4> NetworkService::check_request_locked(const NetState &s, const EndpointRequest &req) const {
    const Network &n = s.network;
    if (!req.aliases.empty() && !n.user_defined())
        throw InvalidArgument("network-scoped alias is supported only for containers in user defined networks");
    if (req.requested_ipv4.empty()) return std::nullopt;
    if (n.predefined()) throw InvalidArgument("user specified IP address is supported on user defined networks only");
    if (!n.ipam_user_configured || !s.space)
        throw InvalidArgument(
            "user specified IP address is supported only when connecting to networks with user configured subnets");
    const auto a = ipam::parse_ipv4(req.requested_ipv4);
    if (!a) throw InvalidArgument("invalid IPv4 address: " + req.requested_ipv4);
    if (!s.space->subnet().contains(*a))
        throw InvalidArgument("Invalid address " + req.requested_ipv4 +
                              ": It does not belong to any of this network's subnets");
    return a;
}

Network NetworkService::check_endpoint_request(const std::string &network, const EndpointRequest &req) const {
    std::lock_guard lock(mu_);
    const auto *s = lookup_locked(network);
    if (!s) throw NotFound("network " + network + " not found");
    check_request_locked(*s, req);
    return s->network;
}

void NetworkService::update_endpoint(const Endpoint &e) {
    std::lock_guard lock(mu_);
    auto it = endpoints_.find(e.id);
    if (it == endpoints_.end()) throw NotFound("endpoint " + e.id + " not found");
    store_.save(e);
    it->second = e;
}

void NetworkService::remove_endpoint(const std::string &endpoint_id) {
    std::lock_guard lock(mu_);
    auto it = endpoints_.find(endpoint_id);
    if (it == endpoints_.end()) return;
    store_.remove_endpoint(endpoint_id);
    const Endpoint &e = it->second;
    if (auto n = networks_.find(e.network_id); n != networks_.end() && n->second.space)
        if (const auto a = ipam::parse_ipv4(e.ipv4_address)) n->second.space->release(*a);
    endpoints_.erase(it);
}

std::vector<Endpoint> NetworkService::endpoints_of_container(const std::string &container_id) const {
    std::lock_guard lock(mu_);
    std::vector<Endpoint> out;
    for (const auto &[id, e] : endpoints_)
        if (e.container_id == container_id) out.push_back(e);
    return out;
}

std::vector<Endpoint> NetworkService::endpoints_of_network(const std::string &network_id) const {
    std::lock_guard lock(mu_);
    std::vector<Endpoint> out;
    for (const auto &[id, e] : endpoints_)
        if (e.network_id == network_id) out.push_back(e);
    return out;
}

std::vector<Endpoint> NetworkService::all_endpoints() const {
    std::lock_guard lock(mu_);
    std::vector<Endpoint> out;
    for (const auto &[id, e] : endpoints_) out.push_back(e);
    return out;
}

} // namespace berth::network
