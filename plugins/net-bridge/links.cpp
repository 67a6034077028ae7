#include "links.hpp"

#include <berth/sdk.hpp>

#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <memory>

namespace berth::netbridge {

namespace {

struct LinkPut {
    void operator()(rtnl_link *l) const { rtnl_link_put(l); }
};
struct AddrPut {
    void operator()(nl_addr *a) const { nl_addr_put(a); }
};
struct RtAddrPut {
    void operator()(rtnl_addr *a) const { rtnl_addr_put(a); }
};
struct RoutePut {
    void operator()(rtnl_route *r) const { rtnl_route_put(r); }
};
struct MsgFree {
    void operator()(nl_msg *m) const { nlmsg_free(m); }
};
using link_ptr = std::unique_ptr<rtnl_link, LinkPut>;
using addr_ptr = std::unique_ptr<nl_addr, AddrPut>;

int32_t code_of(int nl_err) {
    switch (-nl_err) {
    case NLE_EXIST: return BERTH_E_EXISTS;
    case NLE_PERM: return BERTH_E_PERM;
    case NLE_NODEV:
    case NLE_OBJ_NOTFOUND: return BERTH_E_NOTFOUND;
    case NLE_INVAL:
    case NLE_RANGE: return BERTH_E_INVAL;
    case NLE_BUSY: return BERTH_E_BUSY;
    default: return BERTH_E_IO;
    }
}

[[noreturn]] void fail(int nl_err, const std::string &what) {
    throw sdk::error(code_of(nl_err), what + ": " + nl_geterror(nl_err));
}

addr_ptr parse_addr(const std::string &text, int family, const std::string &what) {
    nl_addr *a = nullptr;
    int err = nl_addr_parse(text.c_str(), family, &a);
    if (err < 0) fail(err, what + " \"" + text + "\"");
    return addr_ptr(a);
}

} // namespace

Netlink::Netlink() {
    sock_ = nl_socket_alloc();
    if (sock_ == nullptr) throw std::bad_alloc();
    int err = nl_connect(sock_, NETLINK_ROUTE);
    if (err < 0) {
        nl_socket_free(sock_);
        fail(err, "cannot open a NETLINK_ROUTE socket");
    }
}

Netlink::~Netlink() { nl_socket_free(sock_); }

int Netlink::ifindex(const std::string &name) {
    rtnl_link *l = nullptr;
    if (rtnl_link_get_kernel(sock_, 0, name.c_str(), &l) < 0) return 0;
    link_ptr hold(l);
    return rtnl_link_get_ifindex(l);
}

bool Netlink::is_bridge(const std::string &name) {
    rtnl_link *l = nullptr;
    if (rtnl_link_get_kernel(sock_, 0, name.c_str(), &l) < 0) return false;
    link_ptr hold(l);
    const char *type = rtnl_link_get_type(l);
    return type != nullptr && std::string(type) == "bridge";
}

bool Netlink::create_bridge(const std::string &name, int mtu) {
    if (exists(name)) {
        if (!is_bridge(name))
            throw sdk::error(BERTH_E_EXISTS, "bridge " + name +
                                                 ": a link of that name exists and is not a bridge");
        return false;
    }
    link_ptr l(rtnl_link_bridge_alloc());
    if (!l) throw std::bad_alloc();
    rtnl_link_set_name(l.get(), name.c_str());
    rtnl_link_set_mtu(l.get(), static_cast<unsigned>(mtu));
    int err = rtnl_link_add(sock_, l.get(), NLM_F_CREATE | NLM_F_EXCL);
    if (err < 0) fail(err, "cannot create bridge " + name);
    return true;
}

void Netlink::create_veth(const std::string &host_end, const std::string &peer,
                          const std::string &peer_mac, int mtu, const std::string &bridge) {
    int master = ifindex(bridge);
    if (master == 0) throw sdk::error(BERTH_E_NOTFOUND, "bridge " + bridge + " does not exist");
    rtnl_link *l = rtnl_link_veth_alloc();
    if (l == nullptr) throw std::bad_alloc();
    rtnl_link_set_name(l, host_end.c_str());
    rtnl_link_set_mtu(l, static_cast<unsigned>(mtu));
    rtnl_link_set_master(l, master);
    rtnl_link *p = rtnl_link_veth_get_peer(l);  // takes a reference, put below
    rtnl_link_set_name(p, peer.c_str());
    rtnl_link_set_mtu(p, static_cast<unsigned>(mtu));
    addr_ptr mac = parse_addr(peer_mac, AF_LLC, "MAC address");
    rtnl_link_set_addr(p, mac.get());
    rtnl_link_put(p);
    int err = rtnl_link_add(sock_, l, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_veth_release(l);  // puts both ends (they reference each other)
    if (err < 0) fail(err, "cannot create veth pair " + host_end + "/" + peer + " on " + bridge);
}

void Netlink::delete_link(const std::string &name) {
    link_ptr l(rtnl_link_alloc());
    if (!l) throw std::bad_alloc();
    rtnl_link_set_name(l.get(), name.c_str());
    int err = rtnl_link_delete(sock_, l.get());
    if (err < 0 && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND)
        fail(err, "cannot delete link " + name);
}

void Netlink::add_address(const std::string &link, const std::string &address) {
    int idx = ifindex(link);
    if (idx == 0) throw sdk::error(BERTH_E_NOTFOUND, "link " + link + " does not exist");
    std::unique_ptr<rtnl_addr, RtAddrPut> a(rtnl_addr_alloc());
    if (!a) throw std::bad_alloc();
    addr_ptr local = parse_addr(address, AF_INET, "address");
    rtnl_addr_set_ifindex(a.get(), idx);
    rtnl_addr_set_local(a.get(), local.get());
    int err = rtnl_addr_add(sock_, a.get(), 0);
    if (err < 0 && err != -NLE_EXIST) fail(err, "cannot add address " + address + " to " + link);
}

namespace {

// Apply `change` to the link named `name` (flags, MTU, name, netns).
template <class Edit>
void change_link(nl_sock *sock, const std::string &name, const std::string &what, Edit edit) {
    rtnl_link *orig = nullptr;
    int err = rtnl_link_get_kernel(sock, 0, name.c_str(), &orig);
    if (err < 0) fail(err, what + ": link " + name);
    link_ptr hold(orig);
    link_ptr change(rtnl_link_alloc());
    if (!change) throw std::bad_alloc();
    edit(change.get());
    err = rtnl_link_change(sock, orig, change.get(), 0);
    if (err < 0) fail(err, what + ": link " + name);
}

} // namespace

void Netlink::set_up(const std::string &link) {
    change_link(sock_, link, "cannot bring up",
                [](rtnl_link *c) { rtnl_link_set_flags(c, IFF_UP); });
}

void Netlink::rename(const std::string &from, const std::string &to) {
    change_link(sock_, from, "cannot rename to " + to,
                [&](rtnl_link *c) { rtnl_link_set_name(c, to.c_str()); });
}

void Netlink::set_mtu(const std::string &link, int mtu) {
    change_link(sock_, link, "cannot set MTU " + std::to_string(mtu),
                [&](rtnl_link *c) { rtnl_link_set_mtu(c, static_cast<unsigned>(mtu)); });
}

void Netlink::move_to_netns(const std::string &link, int netns_fd) {
    change_link(sock_, link, "cannot move into the sandbox namespace",
                [&](rtnl_link *c) { rtnl_link_set_ns_fd(c, netns_fd); });
}

void Netlink::set_hairpin(const std::string &bridge_port) {
    // What `ip link set <port> type bridge_slave hairpin on` sends: libnl has
    // no setter for bridge-port (slave) data, so build the message with its
    // message API.
    int idx = ifindex(bridge_port);
    if (idx == 0) throw sdk::error(BERTH_E_NOTFOUND, "link " + bridge_port + " does not exist");
    std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK));
    if (!msg) throw std::bad_alloc();
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = idx;
    if (nlmsg_append(msg.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0) throw std::bad_alloc();
    nlattr *info = nla_nest_start(msg.get(), IFLA_LINKINFO);
    nla_put_string(msg.get(), IFLA_INFO_SLAVE_KIND, "bridge");
    nlattr *data = nla_nest_start(msg.get(), IFLA_INFO_SLAVE_DATA);
    nla_put_u8(msg.get(), IFLA_BRPORT_MODE, 1);
    nla_nest_end(msg.get(), data);
    nla_nest_end(msg.get(), info);
    int err = nl_send_sync(sock_, msg.release());  // frees the message
    if (err < 0) fail(err, "cannot set hairpin mode on bridge port " + bridge_port);
}

void Netlink::add_default_route(const std::string &gateway, const std::string &link) {
    int idx = ifindex(link);
    if (idx == 0) throw sdk::error(BERTH_E_NOTFOUND, "link " + link + " does not exist");
    std::unique_ptr<rtnl_route, RoutePut> r(rtnl_route_alloc());
    if (!r) throw std::bad_alloc();
    addr_ptr dst = parse_addr("0.0.0.0/0", AF_INET, "route destination");
    addr_ptr gw = parse_addr(gateway, AF_INET, "gateway");
    rtnl_route_set_family(r.get(), AF_INET);
    rtnl_route_set_table(r.get(), RT_TABLE_MAIN);
    rtnl_route_set_dst(r.get(), dst.get());
    rtnl_nexthop *nh = rtnl_route_nh_alloc();
    if (nh == nullptr) throw std::bad_alloc();
    rtnl_route_nh_set_gateway(nh, gw.get());
    rtnl_route_nh_set_ifindex(nh, idx);
    rtnl_route_add_nexthop(r.get(), nh);  // the route owns nh now
    int err = rtnl_route_add(sock_, r.get(), NLM_F_CREATE);
    if (err < 0 && err != -NLE_EXIST)
        fail(err, "cannot add the default route via " + gateway + " on " + link);
}

} // namespace berth::netbridge
