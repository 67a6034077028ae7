// The bridge driver's pure parts: option parsing, MACs, the state format and
// the nftables rule text. No root, no kernel objects.
#include "ipv4.hpp"
#include "nft_rules.hpp"
#include "records.hpp"

#include <berth/sdk.hpp>
#include <gtest/gtest.h>

#include <functional>

using namespace berth::netbridge;

namespace {

const std::string nid = "0123456789abcdef0123456789abcdef";

std::string config(const std::string &options, bool internal = false) {
    return R"({"v":1,"name":"n","internal":)" + std::string(internal ? "true" : "false") +
           R"(,"options":{)" + options +
           R"(},"ipv4":[{"subnet":"172.18.0.0/16","gateway":"172.18.0.1"}]})";
}

int32_t code_of(const std::function<void()> &fn) {
    try {
        fn();
    } catch (const berth::sdk::error &e) {
        return e.code();
    }
    return BERTH_OK;
}

} // namespace

TEST(NetBridgeRecords, DefaultsNameTheBridgeAfterTheNetworkId) {
    NetworkRecord n = network_from_config(nid, config(""));
    EXPECT_EQ(n.bridge, "br-0123456789ab");
    EXPECT_EQ(n.subnet, "172.18.0.0/16");
    EXPECT_EQ(n.gateway, "172.18.0.1");
    EXPECT_EQ(n.mtu, 1500);
    EXPECT_TRUE(n.masquerade);
    EXPECT_TRUE(n.icc);
    EXPECT_FALSE(n.internal);
}

TEST(NetBridgeRecords, DockerOptionsAreHonoured) {
    NetworkRecord n = network_from_config(
        nid, config(R"("com.docker.network.bridge.name":"berth0",)"
                    R"("com.docker.network.driver.mtu":"1400",)"
                    R"("com.docker.network.bridge.enable_icc":"false",)"
                    R"("com.docker.network.bridge.enable_ip_masquerade":"false",)"
                    R"("com.docker.network.bridge.host_binding_ipv4":"127.0.0.1")",
                    true));
    EXPECT_EQ(n.bridge, "berth0");
    EXPECT_EQ(n.mtu, 1400);
    EXPECT_FALSE(n.icc);
    EXPECT_FALSE(n.masquerade);
    EXPECT_TRUE(n.internal);
    EXPECT_EQ(n.host_binding_ipv4, "127.0.0.1");
}

TEST(NetBridgeRecords, BadOptionsAreNamed) {
    try {
        network_from_config(nid, config(R"("com.docker.network.driver.mtu":"big")"));
        FAIL() << "accepted a bad MTU";
    } catch (const berth::sdk::error &e) {
        EXPECT_EQ(e.code(), BERTH_E_INVAL);
        EXPECT_NE(std::string(e.what()).find("com.docker.network.driver.mtu"), std::string::npos);
    }
    EXPECT_EQ(code_of([] {
                  network_from_config(nid, config(R"("com.docker.network.bridge.name":"a/b")"));
              }),
              BERTH_E_INVAL);
    EXPECT_EQ(code_of([] {
                  network_from_config(
                      nid, config(R"("com.docker.network.bridge.enable_icc":"maybe")"));
              }),
              BERTH_E_INVAL);
    EXPECT_EQ(code_of([] {
                  network_from_config(
                      nid, R"({"ipv4":[{"subnet":"10.0.0.0/24","gateway":"10.0.1.1"}]})");
              }),
              BERTH_E_INVAL);
    EXPECT_EQ(code_of([] { network_from_config(nid, R"({"ipv4":[]})"); }), BERTH_E_INVAL);
}

TEST(NetBridgeRecords, MacFollowsDockersConvention) {
    EXPECT_EQ(mac_for(parse_ipv4("172.18.0.2", "ip")), "02:42:ac:12:00:02");
    EXPECT_EQ(normalize_mac("02:42:AC:11:00:0A", "mac"), "02:42:ac:11:00:0a");
    EXPECT_EQ(code_of([] { normalize_mac("02:42:ac", "mac"); }), BERTH_E_INVAL);
}

TEST(NetBridgeRecords, PortsAreValidated) {
    auto ports = ports_from_json(
        R"({"v":1,"ports":[{"proto":"udp","container_port":53,"host_ip":"","host_port":5353},
                           {"proto":"udp","container_port":53,"host_ip":"","host_port":5353}]})");
    ASSERT_EQ(ports.size(), 1u);  // duplicates collapse
    EXPECT_EQ(ports[0].proto, "udp");
    EXPECT_EQ(code_of([] {
                  ports_from_json(R"({"ports":[{"proto":"sctp","container_port":1,"host_port":1}]})");
              }),
              BERTH_E_INVAL);
    EXPECT_EQ(code_of([] {
                  ports_from_json(R"({"ports":[{"proto":"tcp","container_port":80,"host_port":0}]})");
              }),
              BERTH_E_INVAL);
}

TEST(NetBridgeRecords, StateRoundTrips) {
    DriverState s;
    s.networks[nid] = network_from_config(nid, config(""));
    EndpointRecord ep;
    ep.nid = nid;
    ep.veth = "veth1234567";
    ep.peer = "vp1234567";
    ep.mac = "02:42:ac:12:00:02";
    ep.address = "172.18.0.2/16";
    ep.ports.push_back({"tcp", 80, "0.0.0.0", 8080, 4242});
    s.endpoints["e1"] = ep;
    DriverState back = state_from_json(state_to_json(s));
    ASSERT_EQ(back.networks.count(nid), 1u);
    EXPECT_EQ(back.networks[nid].bridge, "br-0123456789ab");
    ASSERT_EQ(back.endpoints.count("e1"), 1u);
    EXPECT_EQ(back.endpoints["e1"].ports.at(0).proxy_pid, 4242);
    EXPECT_EQ(code_of([] { state_from_json(R"({"schema":"net-bridge/0"})"); }), BERTH_E_INVAL);
}

TEST(NetBridgeRules, NetworkChainsIsolateMasqueradeAndHairpin) {
    NetworkRecord n = network_from_config(nid, config(""));
    std::string r = nft::network_rules("t", nid, n);
    EXPECT_NE(r.find("add element ip t bridges { \"br-0123456789ab\" }"), std::string::npos);
    EXPECT_NE(r.find("iifname \"br-0123456789ab\" oifname != \"br-0123456789ab\" oifname @bridges drop"),
              std::string::npos);
    EXPECT_NE(r.find("ip saddr 172.18.0.0/16 oifname != \"br-0123456789ab\" masquerade"),
              std::string::npos);
    EXPECT_NE(r.find("ct status dnat masquerade"), std::string::npos);
    EXPECT_NE(r.find("add rule ip t forward jump n-0123456789ab-fwd"), std::string::npos);
    EXPECT_EQ(r.find("flush ruleset"), std::string::npos);
}

TEST(NetBridgeRules, InternalNetworksNeitherMasqueradeNorForward) {
    NetworkRecord n = network_from_config(nid, config("", true));
    std::string r = nft::network_rules("t", nid, n);
    EXPECT_NE(r.find("oifname \"br-0123456789ab\" iifname != \"br-0123456789ab\" drop"),
              std::string::npos);
    EXPECT_EQ(r.find("oifname != \"br-0123456789ab\" masquerade"), std::string::npos);
}

TEST(NetBridgeRules, PublishedPortsDnatInTheEndpointChain) {
    std::vector<PortMapping> ports{{"tcp", 80, "", 8080, 0}, {"udp", 53, "10.1.2.3", 5353, 0},
                                   {"tcp", 81, "::", 8081, 0}};
    std::string r = nft::endpoint_port_rules("t", "eeeeeeeeeeeeffff", "172.18.0.2", ports, "0.0.0.0");
    EXPECT_NE(r.find("add rule ip t e-eeeeeeeeeeee-dnat tcp dport 8080 dnat to 172.18.0.2:80"),
              std::string::npos);
    EXPECT_NE(r.find("ip daddr 10.1.2.3 udp dport 5353 dnat to 172.18.0.2:53"), std::string::npos);
    EXPECT_EQ(r.find("8081"), std::string::npos);  // IPv6 binding: proxy only
    EXPECT_NE(r.find("add rule ip t ports jump e-eeeeeeeeeeee-dnat"), std::string::npos);
    EXPECT_EQ(nft::endpoint_port_rules("t", "e", "172.18.0.2", {}, "0.0.0.0"), "");
}
