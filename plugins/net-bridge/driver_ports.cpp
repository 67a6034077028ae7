// driver_ports.cpp — program_external / revoke_external: DNAT rules in the
// endpoint's own chain plus one berth-proxy per published port.
#include "driver.hpp"

#include "nft_rules.hpp"
#include "proxy_launcher.hpp"

#include <berth/sdk.hpp>

#include <algorithm>

namespace berth::netbridge {

namespace {

std::string ip_of(const std::string &cidr) { return cidr.substr(0, cidr.find('/')); }

} // namespace

void Driver::stop_proxies(const std::string &eid, EndpointRecord &ep) {
    for (auto &p : ep.ports) {
        stop_proxy(p.proxy_pid, p, ip_of(ep.address));
        p.proxy_pid = 0;
    }
    nft_.remove_chain(nft::endpoint_dnat_chain(eid));
    ep.ports.clear();
}

void Driver::realise_ports(const std::string &eid, EndpointRecord &ep) {
    if (ep.ports.empty()) return;
    const NetworkRecord &net = network(ep.nid);
    const std::string ip = ip_of(ep.address);
    for (auto &p : ep.ports)
        if (!proxy_alive(p.proxy_pid, p, ip)) {
            p.proxy_pid = start_proxy(config_.proxy_path, p, ip);
            log(BERTH_LOG_WARN, "endpoint " + eid + ": restarted the proxy of port " +
                                    std::to_string(p.host_port) + "/" + p.proto);
        }
    const std::string chain = nft::endpoint_dnat_chain(eid);
    std::string rules =
        nft::endpoint_port_rules(nft_.name(), eid, ip, ep.ports, net.host_binding_ipv4);
    if (!rules.empty() && !nft_.chain_exists(chain)) {
        nft_.ensure_base();
        nft_.apply(rules, "cannot restore the published ports of endpoint " + eid);
    }
}

void Driver::program_external(const std::string &nid, const std::string &eid,
                              const std::string &options_json) {
    std::vector<PortMapping> wanted = ports_from_json(options_json);
    std::lock_guard lk(mu_);
    check_not_quiesced();
    const NetworkRecord &net = network(nid);
    EndpointRecord &ep = endpoint(nid, eid);
    if (net.internal) {
        // An internal network has no way in from outside; Docker ignores -p there too.
        if (!wanted.empty())
            log(BERTH_LOG_INFO, "endpoint " + eid + ": network " + nid +
                                    " is internal; its ports are not published");
        return;
    }
    const std::string ip = ip_of(ep.address);
    // A mapping without a host address binds the network's default
    // (host_binding_ipv4, 0.0.0.0 unless set); the record keeps the address
    // actually used, for the proxy and the DNAT rule alike.
    for (auto &w : wanted)
        if (w.host_ip.empty()) w.host_ip = net.host_binding_ipv4;

    // Proxies first: a port already taken fails the call before any rule
    // changes. Mappings that stay keep their running proxy.
    std::vector<PortMapping> started;
    try {
        for (auto &w : wanted) {
            auto old = std::find(ep.ports.begin(), ep.ports.end(), w);
            if (old != ep.ports.end() && proxy_alive(old->proxy_pid, *old, ip)) {
                w.proxy_pid = old->proxy_pid;
                continue;
            }
            w.proxy_pid = start_proxy(config_.proxy_path, w, ip);
            started.push_back(w);
        }
        nft_.ensure_base();
        const std::string chain = nft::endpoint_dnat_chain(eid);
        nft_.remove_chain(chain);
        std::string rules = nft::endpoint_port_rules(nft_.name(), eid, ip, wanted,
                                                     net.host_binding_ipv4);
        if (!rules.empty()) nft_.apply(rules, "cannot publish the ports of endpoint " + eid);
    } catch (...) {
        for (const auto &s : started) stop_proxy(s.proxy_pid, s, ip);
        throw;
    }
    for (auto &old : ep.ports)
        if (std::find(wanted.begin(), wanted.end(), old) == wanted.end())
            stop_proxy(old.proxy_pid, old, ip);
    ep.ports = std::move(wanted);
    save();
}

void Driver::revoke_external(const std::string &nid, const std::string &eid) {
    std::lock_guard lk(mu_);
    check_not_quiesced();
    EndpointRecord &ep = endpoint(nid, eid);
    stop_proxies(eid, ep);
    save();
}

} // namespace berth::netbridge
