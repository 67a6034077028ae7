// driver_networks.cpp — create_network / delete_network.
#include "driver.hpp"

#include "ipv4.hpp"
#include "links.hpp"
#include "nft_rules.hpp"

#include <berth/sdk.hpp>

#include <fstream>

namespace berth::netbridge {

namespace {

// Routing between the bridge and the outside needs IPv4 forwarding; like
// dockerd we switch it on and never off (other software may rely on it).
void enable_ip_forward() {
    std::ofstream f("/proc/sys/net/ipv4/ip_forward");
    f << "1\n";
    f.flush();
    if (!f)
        throw sdk::error(BERTH_E_PERM, "cannot enable IPv4 forwarding "
                                       "(/proc/sys/net/ipv4/ip_forward)");
}

// icc=false drops bridge-to-same-bridge traffic in the forward hook, which
// only sees bridged frames when br_netfilter hands them to IP (dockerd sets
// the same switch). Without br_netfilter the option cannot be enforced.
bool enable_bridge_netfilter() {
    std::ofstream f("/proc/sys/net/bridge/bridge-nf-call-iptables");
    f << "1\n";
    f.flush();
    return static_cast<bool>(f);
}

bool same_config(const NetworkRecord &a, const NetworkRecord &b) {
    return a.bridge == b.bridge && a.subnet == b.subnet && a.gateway == b.gateway &&
           a.mtu == b.mtu && a.internal == b.internal && a.masquerade == b.masquerade &&
           a.icc == b.icc && a.host_binding_ipv4 == b.host_binding_ipv4;
}

} // namespace

bool Driver::realise_network(const std::string &nid, const NetworkRecord &net) {
    Netlink nl;
    bool created = nl.create_bridge(net.bridge, net.mtu);
    try {
        if (!net.gateway.empty()) {
            Ipv4Cidr subnet = parse_ipv4_cidr(net.subnet, "subnet");
            nl.add_address(net.bridge, net.gateway + "/" + std::to_string(subnet.prefix));
        }
        nl.set_up(net.bridge);
        if (!net.internal) enable_ip_forward();
        if (!net.icc && !enable_bridge_netfilter())
            log(BERTH_LOG_WARN, "bridge " + net.bridge +
                                    ": enable_icc=false is not enforced: br_netfilter is not "
                                    "available (/proc/sys/net/bridge/bridge-nf-call-iptables)");
        nft_.ensure_base();
        if (created || !nft_.chain_exists(nft::network_forward_chain(nid))) {
            std::string rules = nft::network_rules(nft_.name(), nid, net);
            nft_.remove_chain(nft::network_forward_chain(nid));
            nft_.remove_chain(nft::network_nat_chain(nid));
            nft_.apply(rules, "cannot add the rules of bridge " + net.bridge);
        }
    } catch (...) {
        if (created) nl.delete_link(net.bridge);
        throw;
    }
    return created;
}

void Driver::create_network(const std::string &nid, const std::string &config_json) {
    NetworkRecord net = network_from_config(nid, config_json);
    std::lock_guard lk(mu_);
    check_not_quiesced();
    // Idempotent for the same configuration (the core may replay its records
    // after a restart); another configuration under the same id is refused.
    if (auto it = state_.networks.find(nid); it != state_.networks.end()) {
        if (!same_config(it->second, net))
            throw sdk::error(BERTH_E_EXISTS, "network " + nid + " exists (bridge " +
                                                 it->second.bridge +
                                                 ") with another configuration");
        realise_network(nid, it->second);
        return;
    }
    for (const auto &[other_id, other] : state_.networks)
        if (other.bridge == net.bridge)
            throw sdk::error(BERTH_E_EXISTS, "bridge " + net.bridge +
                                                 " is already used by network " + other_id);
    net.owns_bridge = realise_network(nid, net);
    state_.networks[nid] = net;
    save();
}

void Driver::delete_network(const std::string &nid) {
    std::lock_guard lk(mu_);
    check_not_quiesced();
    const NetworkRecord &net = network(nid);
    for (const auto &[eid, ep] : state_.endpoints)
        if (ep.nid == nid)
            throw sdk::error(BERTH_E_BUSY, "network " + nid + " (bridge " + net.bridge +
                                               ") still has endpoint " + eid);
    nft_.remove_chain(nft::network_forward_chain(nid));
    nft_.remove_chain(nft::network_nat_chain(nid));
    nft_.remove_bridge_element(net.bridge);
    if (net.owns_bridge) Netlink().delete_link(net.bridge);
    state_.networks.erase(nid);
    save();
}

} // namespace berth::netbridge
