// network_service.h — every network the daemon knows and every endpoint on
// them, persisted under <data-root>/network/ (record_store.h), with the IPAM
// state (subnets, addresses) rebuilt from those records at start. Thread-safe.
//
// The predefined networks always exist: `bridge` (driver bridge, interface
// berth0, subnet from `bip` or the first free pool), `host` and `none`
// (built-in drivers with no plugin). At start the service asks each
// plugin-driven network's driver to create it; BERTH_E_EXISTS means the
// driver adopted it from its own state, which is fine.
//
// Endpoints are made and dropped by ContainerNetworking (container start,
// stop, connect, disconnect); this class owns their records and addresses.
#pragma once

#include "network/driver_client.h"
#include "network/ipam/address_pools.h"
#include "network/ipam/address_space.h"
#include "network/network.h"
#include "network/record_store.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace berth::events {
class EventLog;
}

namespace berth::network {

struct NetworkServiceConfig {
    std::filesystem::path data_root;
    std::string bip;                          // daemon.json "bip", e.g. "172.30.0.1/16"; "" = from the pools
    std::string default_address_pools_json;   // daemon.json "default-address-pools"; "" / "[]" = Docker's
    int mtu = 1500;
    // daemon.json "bridge": "none" turns this off: no default bridge
    // network is made (one left from earlier runs is not plumbed).
    bool default_bridge = true;
    // Subnets the host already routes (skipped for new networks); unset
    // reads /proc/net/route. Tests pin it.
    std::function<std::vector<ipam::Ipv4Prefix>()> host_routes;
};

// POST /networks/create, parsed.
struct CreateRequest {
    std::string name;
    std::string driver; // "" = bridge
    bool check_duplicate = true; // moot: names are always unique here, as in Docker >= 23
    bool internal = false, attachable = false, ingress = false, config_only = false, enable_ipv6 = false;
    std::string config_from;
    std::string ipam_driver; // "" = default
    StringMap ipam_options;
    std::vector<IpamPoolConfig> ipam_config;
    StringMap options, labels;
};

class NetworkService {
public:
    // Loads the records, rebuilds IPAM, makes the predefined networks that
    // are missing and asks the drivers to (re)create theirs. Throws
    // InvalidArgument for a bad bip / default-address-pools.
    NetworkService(NetworkServiceConfig config, DriverLookup drivers);

    const std::vector<std::string> &load_errors() const { return load_errors_; }

    // Throws NotFound `plugin "X" not found`, Conflict "network with name X
    // already exists", Forbidden (pool overlap, no pool left, a second host
    // or null network), InvalidArgument (bad subnet/gateway/ip-range/option,
    // or the driver's BERTH_E_INVAL message).
    Network create(const CreateRequest &req);

    // Docker's lookup order: exact id, exact name, unique id prefix. Throws
    // NotFound "network X not found", InvalidArgument when a prefix is ambiguous.
    Network get(const std::string &name_or_id) const;
    std::optional<Network> find(const std::string &name_or_id) const;
    std::vector<Network> list() const; // by name

    // Forbidden for predefined networks and networks with endpoints.
    void remove(const std::string &name_or_id);
    // Removes the non-predefined networks without endpoints that select()
    // accepts; returns their names. select runs under the lock.
    std::vector<std::string> prune(const std::function<bool(const Network &)> &select);

    // --- endpoints (for ContainerNetworking) ---
    struct EndpointRequest {
        std::string container_id, container_name;
        std::string requested_ipv4; // --ip, "" = allocate
        std::string mac_address;    // "" = derived from the IP (02:42:<ip>)
        std::vector<std::string> aliases;
    };
    // Allocates an address (host/none: none) and an endpoint id, and
    // persists the record before any driver sees it (a kill -9 after this
    // leaves a record that detach cleans). Throws NotFound (network),
    // InvalidArgument (--ip outside the subnet, --ip on a network without a
    // user-configured subnet), Conflict ("Address already in use", already
    // connected), Forbidden (no address left).
    Endpoint add_endpoint(const std::string &network_id, const EndpointRequest &req);
    // The checks add_endpoint makes that do not depend on other endpoints
    // (network exists, --ip inside the subnet, aliases allowed): for
    // container create. Returns the network.
    Network check_endpoint_request(const std::string &network, const EndpointRequest &req) const;
    void update_endpoint(const Endpoint &e); // persists (ports, external, driver MAC)
    // Releases the address and deletes the record; unknown ids are ignored.
    void remove_endpoint(const std::string &endpoint_id);
    std::vector<Endpoint> endpoints_of_container(const std::string &container_id) const;
    std::vector<Endpoint> endpoints_of_network(const std::string &network_id) const;
    std::vector<Endpoint> all_endpoints() const;

    // The driver for a network's driver name; nullptr for host/null or a
    // driver no plugin offers now.
    std::shared_ptr<NetworkDriver> driver_for(const Network &n) const;
    bool driver_known(const std::string &driver) const;
    int mtu() const { return config_.mtu; }

    // The driver's create_network config for n (exposed for tests/adoption).
    static std::string driver_config_json(const Network &n);

    // Where network events go (events/event_log.h); null: nowhere.
    void set_events(events::EventLog *log) { events_ = log; }
    // A network event as moby logs it: the network's name and type, plus
    // extra (connect/disconnect: "container"). Defined in network_events.cpp.
    void publish_event(const Network &n, const std::string &action,
                       std::map<std::string, std::string> extra = {}) const;

private:
    struct NetState {
        Network network;
        std::optional<ipam::AddressSpace> space; // IPv4 networks only
        bool user_subnet = false;                // the creator gave the subnet (--ip allowed)
    };

    void load();
    void ensure_predefined_locked();
    void create_in_drivers();
    Network make_network_locked(Network n);
    NetState &state_locked(const std::string &network_id);
    const NetState *lookup_locked(const std::string &name_or_id) const;
    std::vector<ipam::Ipv4Prefix> taken_subnets_locked() const;
    IpamPoolConfig pick_ipam_locked(const std::vector<IpamPoolConfig> &requested, const std::string &network_name);
    bool has_endpoints_locked(const std::string &network_id) const;
    // add_endpoint's checks short of "in use"; the parsed --ip, if any.
    std::optional<ipam::Ipv4> check_request_locked(const NetState &s, const EndpointRequest &req) const;
    void delete_network_locked(const std::string &id);

    NetworkServiceConfig config_;
    DriverLookup drivers_;
    std::vector<ipam::AddressPool> pools_;
    mutable std::mutex mu_;
    RecordStore store_;
    std::map<std::string, NetState> networks_;    // by id
    std::map<std::string, Endpoint> endpoints_;   // by id
    std::vector<std::string> load_errors_;
    events::EventLog *events_ = nullptr;
};

// "02:42:ac:11:00:02" for 172.17.0.2: Docker's MAC derived from the address.
std::string mac_for_ipv4(const std::string &ipv4);

} // namespace berth::network
