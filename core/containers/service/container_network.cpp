// container_network.cpp — the container service's side of networking: which
// networks a container joins and when, its /etc/hosts once it has addresses,
// its NetworkSettings, and network connect/disconnect. The network service
// (core/network) owns addresses, endpoints and the drivers.
#include "containers/service/container_files.h"
#include "containers/service/container_service.h"
#include "containers/service/service_internal.h"
#include "network/container_networking.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace berth::containers {

namespace {

std::string netns_of(int pid) { return pid > 0 ? "/proc/" + std::to_string(pid) + "/ns/net" : std::string(); }

// Rewrites a file in place: it is bind-mounted into the container by inode,
// so a new file renamed over it would never be seen there.
void overwrite_in_place(const std::string &path, const std::string &text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw InternalError("rewriting " + path + ": " + std::strerror(errno));
    size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw InternalError("rewriting " + path + ": " + std::strerror(err));
        }
        off += static_cast<size_t>(n);
    }
    ::close(fd);
}

// Docker regenerates resolv.conf when a container's sandbox gains an
// endpoint that needs the embedded resolver: a container started on the
// default bridge and then connected to a user-defined network asks
// 127.0.0.11 from then on, so names on that network resolve. Only a file
// still as Berth wrote it is replaced (Docker leaves one the user edited);
// `in` describes the container with embedded_dns unset.
void switch_resolv_conf_to_embedded_dns(const std::string &path, EtcFilesInput in) {
    in.host_resolv = read_text_file(in.host_resolv_path);
    in.embedded_dns = false;
    if (read_text_file(path) != resolv_conf_text(in)) return; // already internal, edited, or the host file changed
    in.embedded_dns = true;
    overwrite_in_place(path, resolv_conf_text(in));
}

} // namespace

void ContainerService::set_networking(network::ContainerNetworking *networking) { net_ = networking; }

network::ContainerNetworkSpec ContainerService::network_spec(const Container &c) const {
    const json cfg = parse_object(c.config_json);
    const json hc = parse_object(c.host_config_json);
    network::ContainerNetworkSpec s;
    s.container_id = c.id;
    s.container_name = c.name.size() > 1 && c.name[0] == '/' ? c.name.substr(1) : c.name;
    s.network_mode = value_or<std::string>(hc, "NetworkMode", "default");
    s.endpoints_config_json = c.endpoints_config_json.empty() ? "{}" : c.endpoints_config_json;
    s.port_bindings_json = hc.contains("PortBindings") && !hc["PortBindings"].is_null() ? hc["PortBindings"].dump() : "{}";
    s.exposed_ports_json = cfg.contains("ExposedPorts") && !cfg["ExposedPorts"].is_null() ? cfg["ExposedPorts"].dump() : "{}";
    s.publish_all = value_or<bool>(hc, "PublishAllPorts", false);
    s.mac_address = value_or<std::string>(cfg, "MacAddress", "");
    return s;
}

bool ContainerService::joins_networks(const Container &c) const {
    if (!net_) return false;
    const std::string mode = value_or<std::string>(parse_object(c.host_config_json), "NetworkMode", "default");
    return mode != "none" && mode != "host" && !network::ContainerNetworking::is_container_mode(mode);
}

void ContainerService::attach_networks(Container &c, int pid) {
    const auto spec = network_spec(c);
    net_->attach(spec, netns_of(pid));
    // Docker writes the container's own addresses into its /etc/hosts once
    // the sandbox has joined; the NetworkMode's network comes first.
    refresh_hosts(c);
}

EtcFilesInput ContainerService::etc_input_from(const json &cfg, const json &hc, const std::string &id) const {
    EtcFilesInput etc;
    etc.hostname = value_or<std::string>(cfg, "Hostname", id.substr(0, 12));
    etc.domainname = value_or<std::string>(cfg, "Domainname", "");
    etc.network_mode = value_or<std::string>(hc, "NetworkMode", "default");
    etc.extra_hosts = value_or<std::vector<std::string>>(hc, "ExtraHosts", {});
    // The container's own DNS settings, else the daemon's (dockerd's order).
    etc.dns = value_or<std::vector<std::string>>(hc, "Dns", cfg_.dns);
    etc.dns_search = value_or<std::vector<std::string>>(hc, "DnsSearch", cfg_.dns_search);
    etc.dns_options = value_or<std::vector<std::string>>(hc, "DnsOptions", cfg_.dns_opts);
    etc.ipv6_loopback = std::filesystem::exists("/proc/net/if_inet6");
    return etc;
}

EtcFilesInput ContainerService::etc_input_for(const Container &c) const {
    return etc_input_from(parse_object(c.config_json), parse_object(c.host_config_json), c.id);
}

void ContainerService::refresh_hosts(const Container &c) {
    if (c.hosts_path.empty() || !net_) return;
    const std::string primary =
        network::ContainerNetworking::mode_network(value_or<std::string>(parse_object(c.host_config_json), "NetworkMode", "default"));
    std::vector<std::string> ips;
    for (const auto &a : net_->addresses(c.id))
        if (a.network == primary) ips.insert(ips.begin(), a.ipv4);
        else ips.push_back(a.ipv4);
    EtcFilesInput etc = etc_input_for(c);
    etc.addresses = ips;
    overwrite_in_place(c.hosts_path, hosts_text(etc));
}

void ContainerService::detach_networks(const std::string &id) {
    if (!net_) return;
    try {
        net_->detach(id);
    } catch (const std::exception &e) {
        spdlog::warn("container {}: leaving its networks: {}", id.substr(0, 12), e.what());
    }
}

void ContainerService::restore_networks(const Container &c) {
    if (!joins_networks(c)) return;
    try {
        net_->restore(c.id, netns_of(c.state.pid));
    } catch (const std::exception &e) {
        spdlog::warn("container {}: restoring its networks: {}", c.id.substr(0, 12), e.what());
    }
}

std::string ContainerService::network_settings_json(const Container &c) const {
    if (!net_) return {};
    const auto spec = network_spec(c);
    const bool running = c.state.running && !c.state.restarting;
    try {
        return net_->network_settings(c.id, running ? netns_of(c.state.pid) : std::string(), &spec);
    } catch (const std::exception &e) {
        spdlog::debug("network settings of {}: {}", c.id.substr(0, 12), e.what());
        return {};
    }
}

void ContainerService::connect_network(const std::string &network, const std::string &ref,
                                       const std::string &endpoint_config_json) {
    if (!net_) throw InternalError("networking is not available in this daemon");
    Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    const json hc = parse_object(c.host_config_json);
    const std::string mode = value_or<std::string>(hc, "NetworkMode", "default");
    // dockerd's refusals for the modes that own no endpoints of their own.
    if (mode == "none")
        throw InvalidArgument(
            "container cannot be connected to multiple networks with one of the networks in private (none) mode");
    if (mode == "host")
        throw InvalidArgument("container cannot be disconnected from host network or connected to host network");
    if (network::ContainerNetworking::is_container_mode(mode))
        throw InvalidArgument("Container sharing network namespace with another container or host cannot be "
                              "connected to any other network");
    const bool running = c.state.running && !c.state.restarting;
    const std::string name = c.name.size() > 1 ? c.name.substr(1) : c.name;
    net_->connect(c.id, name, network, endpoint_config_json, running ? netns_of(c.state.pid) : std::string());
    json endpoints = parse_object(c.endpoints_config_json);
    json ep = json::parse(endpoint_config_json.empty() ? "{}" : endpoint_config_json, nullptr, false);
    endpoints[network] = ep.is_object() ? ep : json::object();
    c.endpoints_config_json = endpoints.dump();
    store_->save(c);
    try {
        if (!c.resolv_conf_path.empty() && net_->uses_embedded_dns(network_spec(c))) {
            switch_resolv_conf_to_embedded_dns(c.resolv_conf_path, etc_input_for(c));
        }
    } catch (const std::exception &e) {
        spdlog::warn("container {}: /etc/resolv.conf: {}", c.id.substr(0, 12), e.what());
    }
    if (running && !c.hosts_path.empty()) {
        try {
            refresh_hosts(c);
        } catch (const std::exception &e) {
            spdlog::warn("container {}: /etc/hosts: {}", c.id.substr(0, 12), e.what());
        }
    }
}

void ContainerService::disconnect_network(const std::string &network, const std::string &ref, bool force) {
    if (!net_) throw InternalError("networking is not available in this daemon");
    Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    const bool running = c.state.running && !c.state.restarting;
    if (running) net_->disconnect(c.id, network, force);
    json endpoints = parse_object(c.endpoints_config_json);
    endpoints.erase(network);
    c.endpoints_config_json = endpoints.dump();
    store_->save(c);
}

} // namespace berth::containers
