// IPAM: address parsing, Docker's default pools and daemon.json pools, the
// choice of a free subnet, per-network address allocation (gateway,
// network and broadcast reserved, ip-range, sequential with wrap, --ip
// errors, exhaustion, release) and host routes from /proc/net/route.
#include "network/errors.h"
#include "network/ipam/address_pools.h"
#include "network/ipam/address_space.h"
#include "network/ipam/host_routes.h"
#include "network/ipam/ipv4.h"

#include <gtest/gtest.h>

using namespace berth::network;
using namespace berth::network::ipam;

namespace {
Ipv4 ip(const char *s) { return *parse_ipv4(s); }
Ipv4Prefix cidr(const char *s) { return *parse_cidr(s); }
} // namespace

TEST(Ipv4, ParsesAndFormatsDottedQuads) {
    EXPECT_EQ(format_ipv4(ip("172.18.0.2")), "172.18.0.2");
    EXPECT_EQ(ip("0.0.0.0"), 0u);
    EXPECT_EQ(ip("255.255.255.255"), 0xffffffffu);
    for (const char *bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3"})
        EXPECT_FALSE(parse_ipv4(bad)) << bad;
}

TEST(Ipv4, PrefixArithmetic) {
    const auto p = cidr("172.30.0.1/16");
    EXPECT_EQ(p.canonical().str(), "172.30.0.0/16");
    EXPECT_EQ(format_ipv4(p.broadcast()), "172.30.255.255");
    EXPECT_TRUE(p.contains(ip("172.30.4.5")));
    EXPECT_FALSE(p.contains(ip("172.31.0.1")));
    EXPECT_TRUE(cidr("10.0.0.0/8").overlaps(cidr("10.1.0.0/16")));
    EXPECT_TRUE(cidr("10.1.0.0/16").overlaps(cidr("10.0.0.0/8")));
    EXPECT_FALSE(cidr("10.0.0.0/16").overlaps(cidr("10.1.0.0/16")));
    EXPECT_TRUE(cidr("10.0.0.0/16").contains(cidr("10.0.1.0/24")));
    EXPECT_FALSE(cidr("10.0.1.0/24").contains(cidr("10.0.0.0/16")));
    for (const char *bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8x"})
        EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(AddressPools, DockersDefaults) {
    const auto pools = default_address_pools();
    ASSERT_EQ(pools.size(), 16u);
    EXPECT_EQ(pools.front().base.str(), "172.17.0.0/16");
    EXPECT_EQ(pools.front().size, 16);
    EXPECT_EQ(pools[14].base.str(), "172.31.0.0/16");
    EXPECT_EQ(pools.back().base.str(), "192.168.0.0/16");
    EXPECT_EQ(pools.back().size, 20);
    EXPECT_EQ(parse_address_pools("").size(), 16u);
    EXPECT_EQ(parse_address_pools("[]").size(), 16u);
}

TEST(AddressPools, FromDaemonJson) {
    const auto pools = parse_address_pools(R"([{"base":"10.10.0.0/16","size":24},{"base":"10.20.0.0/16","size":16}])");
    ASSERT_EQ(pools.size(), 2u);
    EXPECT_EQ(pools[0].base.str(), "10.10.0.0/16");
    EXPECT_EQ(pools[0].size, 24);
    EXPECT_THROW(parse_address_pools(R"([{"base":"10.10.0.0/16","size":8}])"), InvalidArgument);
    EXPECT_THROW(parse_address_pools(R"([{"base":"10.10.0.0/16","size":33}])"), InvalidArgument);
    EXPECT_THROW(parse_address_pools(R"([{"base":"nope","size":24}])"), InvalidArgument);
    EXPECT_THROW(parse_address_pools(R"([{"base":"10.0.0.0/8"}])"), InvalidArgument);
    EXPECT_THROW(parse_address_pools(R"({"base":"10.0.0.0/8"})"), InvalidArgument);
    try {
        parse_address_pools(R"([{"base":"10.10.0.0/16","size":8}])");
    } catch (const InvalidArgument &e) {
        EXPECT_NE(std::string(e.what()).find("10.10.0.0/16"), std::string::npos) << e.what();
    }
}

TEST(AddressPools, NextFreeSubnetSkipsWhatIsTaken) {
    const auto pools = default_address_pools();
    EXPECT_EQ(next_free_subnet(pools, {})->str(), "172.17.0.0/16");
    EXPECT_EQ(next_free_subnet(pools, {cidr("172.17.0.0/16")})->str(), "172.18.0.0/16");
    // A host route inside a candidate blocks it; a big one blocks many.
    EXPECT_EQ(next_free_subnet(pools, {cidr("172.17.5.0/24")})->str(), "172.18.0.0/16");
    EXPECT_EQ(next_free_subnet(pools, {cidr("172.16.0.0/12")})->str(), "192.168.0.0/20");
    EXPECT_EQ(next_free_subnet(pools, {cidr("172.16.0.0/12"), cidr("192.168.0.0/20"), cidr("192.168.32.5/32")})->str(),
              "192.168.16.0/20");
    const auto small = parse_address_pools(R"([{"base":"10.0.0.0/23","size":24}])");
    EXPECT_EQ(next_free_subnet(small, {cidr("10.0.0.0/24")})->str(), "10.0.1.0/24");
    EXPECT_FALSE(next_free_subnet(small, {cidr("10.0.0.0/24"), cidr("10.0.1.0/24")}));
    EXPECT_FALSE(next_free_subnet(small, {cidr("0.0.0.0/1")}));
}

TEST(AddressSpace, ReservesGatewayNetworkAndBroadcast) {
    AddressSpace s(cidr("10.0.0.0/29"), std::nullopt, ip("10.0.0.1"));
    std::vector<std::string> got;
    while (auto a = s.allocate()) got.push_back(format_ipv4(*a));
    EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}));
    EXPECT_EQ(s.request(ip("10.0.0.1")), RequestError::InUse);
    EXPECT_EQ(s.request(ip("10.0.0.0")), RequestError::InUse);
    EXPECT_EQ(s.request(ip("10.0.0.7")), RequestError::InUse);
}

TEST(AddressSpace, SequentialWithWrapDoesNotReuseAReleasedAddressAtOnce) {
    AddressSpace s(cidr("10.0.0.0/29"), std::nullopt, ip("10.0.0.1"));
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.2");
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.3");
    s.release(ip("10.0.0.2"));
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.4");
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.5");
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.6");
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.2"); // wrapped round
    EXPECT_FALSE(s.allocate());                         // exhausted
    s.release(ip("10.0.0.5"));
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.5");
}

TEST(AddressSpace, AllocatesFromTheIpRangeAndAcceptsRequestsAnywhereInTheSubnet) {
    AddressSpace s(cidr("172.20.0.0/16"), cidr("172.20.5.0/30"), ip("172.20.0.1"));
    EXPECT_EQ(format_ipv4(*s.allocate()), "172.20.5.0");
    EXPECT_EQ(format_ipv4(*s.allocate()), "172.20.5.1");
    EXPECT_EQ(format_ipv4(*s.allocate()), "172.20.5.2");
    EXPECT_EQ(format_ipv4(*s.allocate()), "172.20.5.3");
    EXPECT_FALSE(s.allocate());
    EXPECT_EQ(s.request(ip("172.20.9.9")), RequestError::None);
    EXPECT_EQ(s.request(ip("172.20.9.9")), RequestError::InUse);
    EXPECT_EQ(s.request(ip("172.21.0.2")), RequestError::OutOfRange);
    EXPECT_TRUE(s.in_use(ip("172.20.9.9")));
    EXPECT_EQ(s.used_count(), 5u);
}

TEST(AddressSpace, MarkUsedRebuildsStateFromRecords) {
    AddressSpace s(cidr("10.0.0.0/29"), std::nullopt, ip("10.0.0.1"));
    s.mark_used(ip("10.0.0.2"));
    s.mark_used(ip("10.0.0.3"));
    EXPECT_EQ(format_ipv4(*s.allocate()), "10.0.0.4");
}

TEST(HostRoutes, ParsesProcNetRoute) {
    const std::string text =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
        "berth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
        "garbage line\n";
    const auto routes = parse_proc_net_route(text);
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_EQ(routes[0].str(), "192.168.2.0/24");
    EXPECT_EQ(routes[1].str(), "172.17.0.0/16");
    EXPECT_EQ(parse_proc_net_route(text, {"berth0"}).size(), 1u);
}
