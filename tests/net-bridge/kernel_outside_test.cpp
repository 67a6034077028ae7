// Traffic between a container and "the outside world": a third namespace
// wired to the test's host namespace by a veth (10.99.0.1 <-> 10.99.0.2),
// standing in for the LAN. Checks masquerade, published ports reached from
// outside (prerouting DNAT) and that container addresses are not routable
// from outside.
#include "kernel_fixture.hpp"

namespace berth::test {

namespace {

// The outside namespace, linked to the calling thread's namespace.
void wire_outside(const ContainerNetns &outside) {
    sh("ip link add bt-out type veth peer name bt-out-p");
    sh("ip link set bt-out-p netns " + std::to_string(outside.pid()));
    sh("ip addr add 10.99.0.1/24 dev bt-out && ip link set bt-out up");
    outside.sh("ip link set lo up; ip addr add 10.99.0.2/24 dev bt-out-p; ip link set bt-out-p up;"
               "ip route add 172.30.0.0/24 via 10.99.0.1");
}

} // namespace

TEST_F(NetBridgeKernel, OutboundTrafficIsMasqueraded) {
    ContainerNetns c, outside;
    wire_outside(outside);
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(outside, 7000, "lan", true);
    EXPECT_EQ(exchange_from(c, "10.99.0.2", 7000, "x"), "lan:10.99.0.1");
}

TEST_F(NetBridgeKernel, MasqueradeCanBeSwitchedOff) {
    ContainerNetns c, outside;
    wire_outside(outside);
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0", false,
                                                         R"({"com.docker.network.bridge.enable_ip_masquerade":"false"})")),
              BERTH_OK);
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid1, eid1, c.path()), BERTH_OK) << inst_->message();
    EchoServer server(outside, 7000, "lan", true);
    EXPECT_EQ(exchange_from(c, "10.99.0.2", 7000, "x"), "lan:172.30.0.2");
}

TEST_F(NetBridgeKernel, InternalNetworkCannotReachOutside) {
    ContainerNetns c, outside;
    wire_outside(outside);
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c, 2, true);
    EchoServer server(outside, 7000, "lan", true);
    // Even with forwarding on (another network may have switched it on)
    // and a route, nothing leaves the internal bridge.
    sh("sysctl -qw net.ipv4.ip_forward=1");
    c.sh("ip route add 10.99.0.0/24 via 172.30.0.1");
    EXPECT_EQ(exchange_from(c, "10.99.0.2", 7000, "x", 800), "");
}

TEST_F(NetBridgeKernel, OutsideReachesPublishedPortsOnly) {
    ContainerNetns c, outside;
    wire_outside(outside);
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    EXPECT_EQ(exchange_from(outside, "10.99.0.1", 18080, "in"), "web:in");
    EXPECT_EQ(exchange_from(outside, "172.30.0.2", 80, "direct", 800), "");
    ASSERT_EQ(inst_->revoke_external(nid1, eid1), BERTH_OK);
    EXPECT_EQ(exchange_from(outside, "10.99.0.1", 18080, "in", 800), "");
}

} // namespace berth::test
