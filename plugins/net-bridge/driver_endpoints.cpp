// driver_endpoints.cpp — create_endpoint / delete_endpoint / endpoint_info /
// join / leave: the veth pair and the container side of it.
#include "driver.hpp"

#include "ipv4.hpp"
#include "links.hpp"
#include "netns.hpp"

#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <random>

namespace berth::netbridge {

using nlohmann::json;

namespace {

// "<prefix><7 hex>", as dockerd names veths; free in this namespace.
std::string free_link_name(Netlink &nl, const std::string &prefix) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    for (int attempt = 0; attempt < 64; ++attempt) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%07x", static_cast<unsigned>(rng() & 0xfffffff));
        std::string name = prefix + buf;
        if (!nl.exists(name)) return name;
    }
    throw sdk::error(BERTH_E_INTERNAL, "no free interface name with prefix " + prefix);
}

} // namespace

std::string Driver::create_endpoint(const std::string &nid, const std::string &eid,
                                    const std::string &iface_json) {
    InterfaceRequest req = interface_from_json(iface_json);
    std::lock_guard lk(mu_);
    check_not_quiesced();
    const NetworkRecord &net = network(nid);
    if (auto it = state_.endpoints.find(eid); it != state_.endpoints.end())
        throw sdk::error(BERTH_E_EXISTS, "endpoint " + eid + " exists (veth " + it->second.veth +
                                             " on network " + it->second.nid + ")");
    Ipv4Cidr subnet = parse_ipv4_cidr(net.subnet, "subnet");
    Ipv4Cidr addr = parse_ipv4_cidr(req.address, "endpoint address");
    if (!subnet.contains(addr.address))
        throw sdk::error(BERTH_E_INVAL, "endpoint address " + req.address +
                                            " is outside the subnet " + net.subnet);
    EndpointRecord ep;
    ep.nid = nid;
    ep.address = req.address;
    ep.mac = req.mac.empty() ? mac_for(addr.address) : req.mac;
    Netlink nl;
    ep.veth = free_link_name(nl, "veth");
    ep.peer = free_link_name(nl, "vp");
    nl.create_veth(ep.veth, ep.peer, ep.mac, net.mtu, net.bridge);
    try {
        nl.set_hairpin(ep.veth);
        nl.set_up(ep.veth);
    } catch (...) {
        nl.delete_link(ep.veth);
        throw;
    }
    state_.endpoints[eid] = ep;
    save();
    return interface_to_json(iface_json, ep.mac);
}

void Driver::delete_endpoint(const std::string &nid, const std::string &eid) {
    std::lock_guard lk(mu_);
    check_not_quiesced();
    EndpointRecord &ep = endpoint(nid, eid);
    stop_proxies(eid, ep);
    // Deleting the host end removes both ends, wherever the peer is; a veth
    // that died with its namespace is already gone, which is fine.
    Netlink().delete_link(ep.veth);
    state_.endpoints.erase(eid);
    save();
}

std::string Driver::endpoint_info(const std::string &nid, const std::string &eid) {
    std::lock_guard lk(mu_);
    const EndpointRecord &ep = endpoint(nid, eid);
    const NetworkRecord &net = network(nid);
    json ports = json::array();
    for (const auto &p : ep.ports)
        ports.push_back({{"proto", p.proto},
                         {"container_port", p.container_port},
                         {"host_ip", p.host_ip},
                         {"host_port", p.host_port}});
    return json{{"v", 1},          {"bridge", net.bridge}, {"veth", ep.veth},
                {"mac", ep.mac},   {"address", ep.address}, {"ifname", ep.ifname},
                {"ports", ports}}
        .dump();
}

std::string Driver::join(const std::string &nid, const std::string &eid,
                         const std::string &netns_path, const std::string &options_json) {
    JoinOptions opts = join_options_from_json(options_json);
    std::lock_guard lk(mu_);
    check_not_quiesced();
    const NetworkRecord &net = network(nid);
    EndpointRecord &ep = endpoint(nid, eid);
    NetnsFd ns(netns_path);
    {
        Netlink nl;
        if (!nl.exists(ep.peer))
            throw sdk::error(BERTH_E_NOTFOUND, "endpoint " + eid + ": interface " + ep.peer +
                                                   " is not in the host namespace (joined already?)");
        nl.move_to_netns(ep.peer, ns.fd());
    }
    const bool route = !net.internal && !net.gateway.empty();
    std::string ifname;
    run_in_netns(ns, [&] {
        Netlink nl;
        for (int i = 0; ifname.empty(); ++i)
            if (!nl.exists(opts.ifname_prefix + std::to_string(i)))
                ifname = opts.ifname_prefix + std::to_string(i);
        try {
            nl.rename(ep.peer, ifname);
            if (opts.mtu != 0) nl.set_mtu(ifname, opts.mtu);
            nl.add_address(ifname, ep.address);
            nl.set_up(ifname);
            nl.set_up("lo");
            if (route) nl.add_default_route(net.gateway, ifname);
        } catch (...) {
            // Leave no half-configured interface in the sandbox: deleting
            // one end removes the pair; the core deletes the endpoint next.
            nl.delete_link(nl.exists(ifname) ? ifname : ep.peer);
            throw;
        }
    });
    ep.ifname = ifname;
    save();
    return json{{"v", 1},
                {"ifname", ifname},
                {"gateway", route ? net.gateway : ""},
                {"routes", json::array()},
                {"disable_gateway", !route}}
        .dump();
}

void Driver::leave(const std::string &nid, const std::string &eid) {
    std::lock_guard lk(mu_);
    check_not_quiesced();
    // The interface goes with delete_endpoint or with the namespace; only
    // the bookkeeping changes here.
    EndpointRecord &ep = endpoint(nid, eid);
    ep.ifname.clear();
    save();
}

} // namespace berth::netbridge
