// port_plan.h — a container's published and exposed ports, from the create
// request's HostConfig.PortBindings and Config.ExposedPorts (JSON text), and
// the choice of host ports: explicit ones checked against what other
// endpoints hold, ephemeral ones (HostPort "" and -P) picked sequentially
// from the kernel's ip_local_port_range (Docker's fallback 49153-65535),
// skipping ports in use.
#pragma once

#include "network/network.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace berth::network {

// One published port as asked: host_port_first == 0 means ephemeral; a
// range "8000-8010" takes the first free port in it.
struct PortRequest {
    std::string proto = "tcp";
    uint16_t container_port = 0;
    std::string host_ip; // "" = every address
    uint16_t host_port_first = 0, host_port_last = 0;
};

struct PortPlan {
    std::vector<PortRequest> publish;
    std::vector<ExposedPort> exposed; // every exposed port (published or not), sorted
};

// Throws InvalidArgument naming the bad key or value ("invalid port
// specification", "invalid proto", "invalid IP address").
PortPlan parse_port_plan(const std::string &port_bindings_json, const std::string &exposed_ports_json,
                         bool publish_all);

// Docker's "80/tcp" key.
std::string port_key(const std::string &proto, uint16_t port);

using PortProbe = std::function<bool(const std::string &proto, const std::string &host_ip, uint16_t port)>;

// True when a socket of proto can bind host_ip:port right now (nothing else
// on the host listens there). No traffic is sent.
bool host_port_free(const std::string &proto, const std::string &host_ip, uint16_t port);

// /proc/sys/net/ipv4/ip_local_port_range, or 49153-65535.
std::pair<uint16_t, uint16_t> ephemeral_port_range();

class PortAllocator {
public:
    PortAllocator(std::pair<uint16_t, uint16_t> ephemeral_range, PortProbe probe);

    // Host ports for every request, none clashing with `held` (ports other
    // endpoints hold) or with each other. Throws Conflict "Bind for
    // 0.0.0.0:8080 failed: port is already allocated" for an explicit port
    // held by another endpoint, Forbidden when no ephemeral port is left.
    std::vector<PortBinding> choose(const std::vector<PortRequest> &requests, const std::vector<PortBinding> &held);

private:
    std::pair<uint16_t, uint16_t> range_;
    PortProbe probe_;
    uint16_t last_ = 0; // sequential with wrap, like Docker's port allocator
};

} // namespace berth::network
