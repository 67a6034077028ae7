// links.hpp — the kernel's links, addresses and routes through libnl-route-3.
// A Netlink opens its socket in the network namespace of the thread that
// constructs it, so code running inside a container's namespace (netns.hpp)
// simply makes its own.
#pragma once

#include <string>

struct nl_sock;

namespace berth::netbridge {

class Netlink {
public:
    Netlink();  // sdk::error(BERTH_E_IO) when netlink is unavailable
    ~Netlink();
    Netlink(const Netlink &) = delete;
    Netlink &operator=(const Netlink &) = delete;

    int ifindex(const std::string &name);  // 0 when there is no such link
    bool exists(const std::string &name) { return ifindex(name) != 0; }
    bool is_bridge(const std::string &name);

    // A bridge named `name` with this MTU. An existing bridge of that name is
    // adopted (returns false); any other link of that name is an error.
    bool create_bridge(const std::string &name, int mtu);
    // A veth pair: host end enslaved to `bridge`, peer with `peer_mac`; both
    // with `mtu`, both down.
    void create_veth(const std::string &host_end, const std::string &peer,
                     const std::string &peer_mac, int mtu, const std::string &bridge);
    // Removing an absent link succeeds (the veth may have died with its netns).
    void delete_link(const std::string &name);

    // address "a.b.c.d/len"; an address already present is fine.
    void add_address(const std::string &link, const std::string &address);
    void set_up(const std::string &link);
    void rename(const std::string &from, const std::string &to);
    void set_mtu(const std::string &link, int mtu);
    // Let frames leave through the port they came in on, so a container can
    // reach its own published port through the host (hairpin NAT).
    void set_hairpin(const std::string &bridge_port);
    void move_to_netns(const std::string &link, int netns_fd);
    void add_default_route(const std::string &gateway, const std::string &link);

private:
    struct nl_sock *sock_ = nullptr;
};

} // namespace berth::netbridge
