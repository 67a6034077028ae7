#include "nft_rules.hpp"

#include <arpa/inet.h>

namespace berth::netbridge::nft {

namespace {

std::string short_id(const std::string &id) { return id.substr(0, 12); }

// "add rule ip T <chain> <rule>\n"
std::string rule(const std::string &table, const std::string &chain, const std::string &body) {
    return "add rule ip " + table + " " + chain + " " + body + "\n";
}

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

bool is_ipv4(const std::string &s) {
    in_addr a{};
    return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

} // namespace

std::string network_forward_chain(const std::string &nid) { return "n-" + short_id(nid) + "-fwd"; }
std::string network_nat_chain(const std::string &nid) { return "n-" + short_id(nid) + "-nat"; }
std::string endpoint_dnat_chain(const std::string &eid) { return "e-" + short_id(eid) + "-dnat"; }

std::string base_ruleset(const std::string &t) {
    std::string s = "add table ip " + t + "\n";
    s += "add set ip " + t + " bridges { type ifname; }\n";
    s += "add chain ip " + t + " ports\n";
    s += "add chain ip " + t +
         " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n";
    s += "add chain ip " + t + " output { type nat hook output priority -100; policy accept; }\n";
    s += "add chain ip " + t +
         " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n";
    s += "add chain ip " + t +
         " forward { type filter hook forward priority filter; policy accept; }\n";
    s += rule(t, "prerouting", "fib daddr type local jump ports");
    s += rule(t, "output", "ip daddr != 127.0.0.0/8 fib daddr type local jump ports");
    s += rule(t, "forward", "ct state established,related accept");
    return s;
}

std::string network_rules(const std::string &t, const std::string &nid, const NetworkRecord &n) {
    const std::string fwd = network_forward_chain(nid), nat = network_nat_chain(nid);
    const std::string br = quoted(n.bridge);
    std::string s = "add chain ip " + t + " " + fwd + "\n";
    s += "add chain ip " + t + " " + nat + "\n";
    s += "add element ip " + t + " bridges { " + br + " }\n";
    if (!n.icc) s += rule(t, fwd, "iifname " + br + " oifname " + br + " drop");
    if (n.internal) {
        // Nothing crosses between an internal network and any other link.
        s += rule(t, fwd, "iifname " + br + " oifname != " + br + " drop");
        s += rule(t, fwd, "oifname " + br + " iifname != " + br + " drop");
    } else {
        // Isolation: no traffic from this bridge into another berth bridge.
        s += rule(t, fwd, "iifname " + br + " oifname != " + br + " oifname @bridges drop");
        // From outside only what a published port DNATs in (return: let the
        // other networks' chains still judge it), replies pass the base
        // chain's established rule.
        s += rule(t, fwd, "oifname " + br + " iifname != " + br + " ct status dnat return");
        s += rule(t, fwd, "oifname " + br + " iifname != " + br + " drop");
        if (n.masquerade)
            s += rule(t, nat, "ip saddr " + n.subnet + " oifname != " + br + " masquerade");
    }
    // Hairpin: a container reaching a published port (its own or a
    // neighbour's) through a host address must see replies come back from
    // that address, so the DNATed flow is masqueraded behind the gateway.
    s += rule(t, nat, "ip saddr " + n.subnet + " oifname " + br + " ct status dnat masquerade");
    s += rule(t, "forward", "jump " + fwd);
    s += rule(t, "postrouting", "jump " + nat);
    return s;
}

std::string endpoint_port_rules(const std::string &t, const std::string &eid,
                                const std::string &container_ip,
                                const std::vector<PortMapping> &ports,
                                const std::string &host_binding_ipv4) {
    const std::string chain = endpoint_dnat_chain(eid);
    std::string rules;
    for (const auto &p : ports) {
        std::string host_ip = p.host_ip.empty() ? host_binding_ipv4 : p.host_ip;
        if (!is_ipv4(host_ip)) continue;  // IPv6 bindings are served by the proxy only
        std::string match = host_ip == "0.0.0.0" ? "" : "ip daddr " + host_ip + " ";
        rules += rule(t, chain,
                      match + p.proto + " dport " + std::to_string(p.host_port) + " dnat to " +
                          container_ip + ":" + std::to_string(p.container_port));
    }
    if (rules.empty()) return "";
    return "add chain ip " + t + " " + chain + "\n" + rules + rule(t, "ports", "jump " + chain);
}

} // namespace berth::netbridge::nft
