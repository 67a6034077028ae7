// container_networking.h — what the container service calls to give a
// container its networks. Light header (no JSON library): JSON travels as
// text in Docker's shapes.
//
// Life of a container's networking:
//   create   validate(spec)                     400/404 before anything exists
//   start    attach(spec, "/proc/<pid>/ns/net") after the runtime created the
//            task, before it starts: endpoints, addresses, the driver's
//            create_endpoint + join (+ program_external for published ports
//            on the first bridge-like network), embedded DNS; returns
//            NetworkSettings JSON
//   exit     detach(id)                          idempotent; works from the
//            records after a berthd restart
//   restart  restore(id, netns_path)             live restore of a running one
//   connect / disconnect                         network connect/disconnect
//   inspect  network_settings(id, netns, &spec)  any time
//
// Network modes (HostConfig.NetworkMode): "" and "default" mean the default
// bridge; "bridge", "host", "none", a network name or id; "container:<id>"
// shares another container's namespace and gets no endpoint here.
#pragma once

#include "network/network.h"
#include "network/port_plan.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace berth::network {

class NetworkService;

struct ContainerNetworkSpec {
    std::string container_id, container_name; // name without the leading slash
    std::string network_mode;                 // HostConfig.NetworkMode
    std::string endpoints_config_json;        // NetworkingConfig.EndpointsConfig ({} or "" at 1.43)
    std::string port_bindings_json;           // HostConfig.PortBindings
    std::string exposed_ports_json;           // Config.ExposedPorts
    bool publish_all = false;                 // -P
    std::string mac_address;                  // Config.MacAddress (--mac-address), "" = derived
};

// The embedded DNS as ContainerNetworking uses it (dns::EmbeddedDns has
// these two calls; the daemon adapts it, tests fake it).
class SandboxDns {
public:
    virtual ~SandboxDns() = default;
    virtual void add_sandbox(const std::string &sandbox_id, const std::string &netns_path) = 0;
    virtual void remove_sandbox(const std::string &sandbox_id) = 0;
};

// One of the container's addresses, for its /etc/hosts.
struct ContainerAddress {
    std::string network; // name
    std::string ipv4;    // "172.18.0.2"
    std::vector<std::string> aliases;
};

struct PortOptions {
    std::pair<uint16_t, uint16_t> ephemeral_range = ephemeral_port_range();
    PortProbe probe = host_port_free; // is a host port free outside berth
};

class ContainerNetworking {
public:
    // dns may be null (no embedded DNS: names do not resolve).
    ContainerNetworking(NetworkService &networks, SandboxDns *dns, PortOptions ports = {});
    ~ContainerNetworking();

    // The network mode as a network name: "" / "default" -> "bridge";
    // "container:<id>" stays as is.
    static std::string mode_network(const std::string &network_mode);
    static bool is_container_mode(const std::string &network_mode) {
        return network_mode.rfind("container:", 0) == 0;
    }

    // Create-time checks, no side effects. Throws NotFound "network X not
    // found", InvalidArgument ("conflicting options: port publishing and the
    // container type network mode", "Container cannot be connected to network
    // endpoints: host, x", --ip/--alias rules, bad ports).
    void validate(const ContainerNetworkSpec &spec) const;

    // See the header comment. All or nothing: on failure whatever was done
    // is undone and the error thrown (Conflict for a host port or address in
    // use, InternalError with the driver's message for driver failures).
    std::string attach(const ContainerNetworkSpec &spec, const std::string &netns_path);

    // Undo attach: revoke_external, leave, delete_endpoint (driver errors are
    // logged, never thrown), release the addresses, drop the records and the
    // DNS sandbox. Unknown containers are fine.
    void detach(const std::string &container_id);

    // After a berthd restart, for a container still running in netns_path:
    // re-register its sandbox with the embedded DNS. (Drivers keep their
    // kernel objects and their own state; addresses come from the records.)
    void restore(const std::string &container_id, const std::string &netns_path);

    // `docker network connect`. With netns_path (a running container) the
    // endpoint is made and joined now and the new NetworkSettings returned;
    // without (created/stopped) only the checks run and "" is returned: the
    // container service adds the network to the container's EndpointsConfig
    // and attach() joins it at the next start. endpoint_config_json is
    // Docker's EndpointConfig {IPAMConfig{IPv4Address}, Aliases, MacAddress}.
    std::string connect(const std::string &container_id, const std::string &container_name,
                        const std::string &network, const std::string &endpoint_config_json,
                        const std::string &netns_path);

    // `docker network disconnect` of a running container (its endpoint goes
    // now). Throws NotFound (network), InvalidArgument "container X is not
    // connected to network Y" (unless force), and refuses the host network.
    // For a created/stopped container the container service just drops the
    // network from its EndpointsConfig (no endpoint exists).
    void disconnect(const std::string &container_id, const std::string &network, bool force);

    // NetworkSettings JSON for inspect. spec (optional) adds the configured
    // networks without endpoints and the exposed ports (shown null while
    // running).
    std::string network_settings(const std::string &container_id, const std::string &netns_path,
                                 const ContainerNetworkSpec *spec = nullptr) const;

    // The container's IPv4 addresses, for its /etc/hosts, one per network
    // with an address (no particular order: pick the NetworkMode's network
    // as the primary by name).
    std::vector<ContainerAddress> addresses(const std::string &container_id) const;

    // Whether resolv.conf should name 127.0.0.11 only: the container is on
    // at least one user-defined network (by spec: works before attach).
    bool uses_embedded_dns(const ContainerNetworkSpec &spec) const;

    // The embedded DNS's NameResolver (dns::NameResolver signature).
    std::vector<std::string> resolve(const std::string &sandbox_id, const std::string &name) const;

private:
    struct Join; // one network to join, with its endpoint request
    std::vector<Join> plan_joins(const ContainerNetworkSpec &spec) const;
    Endpoint join_one(const Join &join, const std::string &netns_path, int index, bool external,
                      const PortPlan *ports);
    void leave_one(const Endpoint &e);
    void dns_add_if_needed(const std::string &container_id, const std::string &netns_path);
    void dns_remove_if_unneeded(const std::string &container_id);
    bool on_user_defined_network(const std::string &container_id) const;

    NetworkService &networks_;
    SandboxDns *dns_;
    PortAllocator ports_;
    mutable std::mutex mu_;              // one attach/detach at a time (ports, DNS set)
    std::set<std::string> dns_sandboxes_; // containers registered with the DNS
};

} // namespace berth::network
