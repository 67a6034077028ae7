// Networks, endpoints and traffic between containers, against the real
// kernel inside namespaces the tests create.
#include "kernel_fixture.hpp"

#include <fstream>

namespace berth::test {

using nlohmann::json;

TEST_F(NetBridgeKernel, CapabilitiesSayLocalScope) {
    ASSERT_EQ(inst_->capabilities(), BERTH_OK) << inst_->message();
    json caps = json::parse(inst_->out());
    EXPECT_EQ(caps["scope"], "local");
    EXPECT_EQ(caps["connectivity_scope"], "local");
    EXPECT_EQ(caps["v"], 1);
}

TEST_F(NetBridgeKernel, CreateAndDeleteNetwork) {
    std::string cfg = network_config("172.30.0.0/16", "172.30.0.1", "bt0");
    ASSERT_EQ(inst_->create_network(nid1, cfg), BERTH_OK) << inst_->message();
    EXPECT_NE(sh("ip -d link show bt0").find("bridge"), std::string::npos);
    EXPECT_NE(sh("ip -o -4 addr show dev bt0").find("172.30.0.1/16"), std::string::npos);
    EXPECT_NE(sh("ip link show bt0").find(",UP"), std::string::npos);
    EXPECT_NE(nft_listing().find("n-aaaaaaaaaaaa-fwd"), std::string::npos);
    std::ifstream fwd("/proc/sys/net/ipv4/ip_forward");
    std::string forwarding;
    fwd >> forwarding;
    EXPECT_EQ(forwarding, "1");

    // Replaying the same network adopts it; another configuration is refused.
    EXPECT_EQ(inst_->create_network(nid1, cfg), BERTH_OK) << inst_->message();
    EXPECT_EQ(inst_->create_network(nid1, network_config("172.31.0.0/16", "172.31.0.1", "bt0")),
              BERTH_E_EXISTS);
    EXPECT_NE(inst_->message().find(nid1), std::string::npos);

    ASSERT_EQ(inst_->delete_network(nid1), BERTH_OK) << inst_->message();
    EXPECT_NE(sh("ip link show bt0").find("does not exist"), std::string::npos);
    EXPECT_EQ(nft_listing().find("n-aaaaaaaaaaaa"), std::string::npos);
    EXPECT_EQ(inst_->delete_network(nid1), BERTH_E_NOTFOUND);
}

TEST_F(NetBridgeKernel, DefaultBridgeNameComesFromTheNetworkId) {
    std::string cfg = R"({"v":1,"ipv4":[{"subnet":"172.30.0.0/16","gateway":"172.30.0.1"}]})";
    ASSERT_EQ(inst_->create_network(nid1, cfg), BERTH_OK) << inst_->message();
    EXPECT_NE(sh("ip link show br-aaaaaaaaaaaa").find("br-aaaaaaaaaaaa"), std::string::npos);
    EXPECT_EQ(inst_->create_network(nid2, network_config("172.31.0.0/16", "172.31.0.1",
                                                         "br-aaaaaaaaaaaa")),
              BERTH_E_EXISTS);
}

TEST_F(NetBridgeKernel, PreExistingBridgeIsUsedAndKept) {
    sh("ip link add btpre type bridge");
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "btpre")),
              BERTH_OK)
        << inst_->message();
    EXPECT_NE(sh("ip -o -4 addr show dev btpre").find("172.30.0.1/24"), std::string::npos);
    ASSERT_EQ(inst_->delete_network(nid1), BERTH_OK) << inst_->message();
    EXPECT_EQ(sh("ip link show btpre").find("does not exist"), std::string::npos);
    sh("ip link add btdummy type veth peer name btdummy-p");
    EXPECT_EQ(inst_->create_network(nid2, network_config("172.31.0.0/24", "172.31.0.1", "btdummy")),
              BERTH_E_EXISTS);
    EXPECT_NE(inst_->message().find("btdummy"), std::string::npos);
}

TEST_F(NetBridgeKernel, EndpointJoinsAContainer) {
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/16", "172.30.0.1", "bt0", false,
                                                         R"({"com.docker.network.driver.mtu":"1400"})")),
              BERTH_OK)
        << inst_->message();
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/16")), BERTH_OK)
        << inst_->message();
    EXPECT_EQ(json::parse(inst_->out())["mac"], "02:42:ac:1e:00:02");
    ASSERT_EQ(inst_->endpoint_info(nid1, eid1), BERTH_OK) << inst_->message();
    std::string veth = json::parse(inst_->out())["veth"];
    EXPECT_NE(sh("ip -d link show " + veth).find("master bt0"), std::string::npos);
    EXPECT_NE(sh("ip -d link show " + veth).find("hairpin on"), std::string::npos);

    ContainerNetns c;
    ASSERT_EQ(inst_->join(nid1, eid1, c.path()), BERTH_OK) << inst_->message();
    json out = json::parse(inst_->out());
    EXPECT_EQ(out["ifname"], "eth0");
    EXPECT_EQ(out["gateway"], "172.30.0.1");
    EXPECT_EQ(out["disable_gateway"], false);
    EXPECT_NE(c.sh("ip -o -4 addr show dev eth0").find("172.30.0.2/16"), std::string::npos);
    std::string link = c.sh("ip link show eth0");
    EXPECT_NE(link.find("02:42:ac:1e:00:02"), std::string::npos) << link;
    EXPECT_NE(link.find("mtu 1400"), std::string::npos) << link;
    EXPECT_NE(c.sh("ip route").find("default via 172.30.0.1 dev eth0"), std::string::npos);
    EXPECT_NE(c.sh("ip link show lo").find(",UP"), std::string::npos);

    EXPECT_EQ(inst_->delete_network(nid1), BERTH_E_BUSY);
    EXPECT_NE(inst_->message().find(eid1), std::string::npos);
    EXPECT_EQ(inst_->leave(nid1, eid1), BERTH_OK) << inst_->message();
    ASSERT_EQ(inst_->delete_endpoint(nid1, eid1), BERTH_OK) << inst_->message();
    EXPECT_NE(sh("ip link show " + veth).find("does not exist"), std::string::npos);
    EXPECT_EQ(c.sh("ip link show eth0").find("mtu"), std::string::npos);
    EXPECT_EQ(inst_->delete_network(nid1), BERTH_OK) << inst_->message();
}

TEST_F(NetBridgeKernel, SecondEndpointInOneSandboxIsEth1) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    ASSERT_EQ(inst_->create_network(nid2, network_config("172.31.0.0/24", "172.31.0.1", "bt1")),
              BERTH_OK);
    ASSERT_EQ(inst_->create_endpoint(nid2, eid2, iface("172.31.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid2, eid2, c.path()), BERTH_OK) << inst_->message();
    EXPECT_EQ(json::parse(inst_->out())["ifname"], "eth1");
}

TEST_F(NetBridgeKernel, EndpointsOnOneBridgeTalk) {
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0")),
              BERTH_OK);
    ContainerNetns a, b;
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->create_endpoint(nid1, eid2, iface("172.30.0.3/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid1, eid1, a.path()), BERTH_OK) << inst_->message();
    ASSERT_EQ(inst_->join(nid1, eid2, b.path()), BERTH_OK) << inst_->message();
    EchoServer server(b, 7000, "b");
    EXPECT_EQ(exchange_from(a, "172.30.0.3", 7000, "hi"), "b:hi");
    EXPECT_EQ(exchange("172.30.0.3", 7000, "host"), "b:host");  // the host reaches it too
}

TEST_F(NetBridgeKernel, NetworksAreIsolated) {
    ContainerNetns a, b;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", a);
    network_with_container(*inst_, nid2, eid2, "172.31.0.", "bt1", b);
    EchoServer server(b, 7000, "b");
    ASSERT_EQ(exchange("172.31.0.2", 7000, "host"), "b:host");  // b is reachable and routed
    EXPECT_EQ(exchange_from(a, "172.31.0.2", 7000, "a", 800), "");
    EXPECT_NE(nft_listing().find("oifname @bridges drop"), std::string::npos);
}

TEST_F(NetBridgeKernel, InternalNetworkHasNoDefaultRoute) {
    ContainerNetns c;
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0", true)),
              BERTH_OK)
        << inst_->message();
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid1, eid1, c.path()), BERTH_OK) << inst_->message();
    json out = json::parse(inst_->out());
    EXPECT_EQ(out["disable_gateway"], true);
    EXPECT_EQ(out["gateway"], "");
    EXPECT_EQ(c.sh("ip route").find("default"), std::string::npos);
    std::string rules = nft_listing();
    EXPECT_NE(rules.find("iifname \"bt0\" oifname != \"bt0\" drop"), std::string::npos) << rules;
    EXPECT_EQ(rules.find("oifname != \"bt0\" masquerade"), std::string::npos) << rules;
}

TEST_F(NetBridgeKernel, IccFalseDropsTrafficWithinTheBridge) {
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0", false,
                                                         R"({"com.docker.network.bridge.enable_icc":"false"})")),
              BERTH_OK);
    EXPECT_NE(nft_listing().find("iifname \"bt0\" oifname \"bt0\" drop"), std::string::npos);
    std::ifstream nf("/proc/sys/net/bridge/bridge-nf-call-iptables");
    std::string on;
    if (!(nf >> on) || on != "1") GTEST_SKIP() << "no br_netfilter: icc=false cannot be enforced";
    ContainerNetns a, b;
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->create_endpoint(nid1, eid2, iface("172.30.0.3/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid1, eid1, a.path()), BERTH_OK) << inst_->message();
    ASSERT_EQ(inst_->join(nid1, eid2, b.path()), BERTH_OK) << inst_->message();
    EchoServer server(b, 7000, "b");
    EXPECT_EQ(exchange("172.30.0.3", 7000, "host"), "b:host");
    EXPECT_EQ(exchange_from(a, "172.30.0.3", 7000, "a", 800), "");
}

} // namespace berth::test
