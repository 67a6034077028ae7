// NetworkService with a fake driver: predefined networks, create with
// Docker's checks, lookup order, remove and prune rules, endpoints and
// their addresses, persistence across a restart, bip and pools.
#include "network/errors.h"
#include "network/network_service.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace berth::network;
using nlohmann::json;

namespace {

class Service : public ::testing::Test {
protected:
    std::unique_ptr<NetworkService> make(NetworkServiceConfig c) {
        return std::make_unique<NetworkService>(std::move(c), lookup_for(driver));
    }
    NetworkService &svc() {
        if (!svc_) svc_ = make(test_config(dir.path()));
        return *svc_;
    }
    void restart() {
        svc_.reset();
        svc_ = make(test_config(dir.path()));
    }
    CreateRequest req(const std::string &name, const std::string &subnet = "", const std::string &gateway = "",
                      const std::string &range = "") {
        CreateRequest r;
        r.name = name;
        if (!subnet.empty() || !gateway.empty() || !range.empty()) r.ipam_config = {{subnet, range, gateway, {}}};
        return r;
    }
    NetworkService::EndpointRequest ep(const std::string &cid, const std::string &ip = "") {
        NetworkService::EndpointRequest r;
        r.container_id = cid;
        r.container_name = "c-" + cid;
        r.requested_ipv4 = ip;
        return r;
    }

    TestDir dir;
    std::shared_ptr<FakeDriver> driver = std::make_shared<FakeDriver>();
    std::unique_ptr<NetworkService> svc_;
};

template <class E, class Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const E &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_F(Service, PredefinedNetworksExistWithDockersShape) {
    const auto bridge = svc().get("bridge");
    EXPECT_EQ(bridge.driver, "bridge");
    EXPECT_EQ(bridge.id.size(), 64u);
    ASSERT_EQ(bridge.ipam_config.size(), 1u);
    EXPECT_EQ(bridge.ipam_config[0].subnet, "172.17.0.0/16");
    EXPECT_EQ(bridge.ipam_config[0].gateway, "172.17.0.1");
    EXPECT_EQ(bridge.options.at("com.docker.network.bridge.name"), "berth0");
    EXPECT_EQ(bridge.options.at("com.docker.network.bridge.default_bridge"), "true");
    EXPECT_EQ(bridge.options.at("com.docker.network.bridge.enable_icc"), "true");
    EXPECT_EQ(bridge.options.at("com.docker.network.bridge.enable_ip_masquerade"), "true");
    EXPECT_EQ(bridge.options.at("com.docker.network.bridge.host_binding_ipv4"), "0.0.0.0");
    EXPECT_EQ(bridge.options.at("com.docker.network.driver.mtu"), "1500");
    EXPECT_EQ(svc().get("host").driver, "host");
    EXPECT_EQ(svc().get("none").driver, "null");
    EXPECT_TRUE(svc().get("host").ipam_config.empty());
    // Only the bridge reaches a driver; host/none are built in.
    ASSERT_EQ(driver->calls_of("create_network").size(), 1u);
    const auto cfg = json::parse(driver->calls_of("create_network")[0].arg);
    EXPECT_EQ(cfg["v"], 1);
    EXPECT_EQ(cfg["name"], "bridge");
    EXPECT_EQ(cfg["options"]["com.docker.network.bridge.name"], "berth0");
    EXPECT_EQ(cfg["ipv4"], json::parse(R"([{"subnet":"172.17.0.0/16","gateway":"172.17.0.1"}])"));
    EXPECT_EQ(cfg["internal"], false);
}

TEST_F(Service, RestartKeepsIdsAndAsksTheDriverToCreateWhatItLacks) {
    const auto id = svc().get("bridge").id;
    const auto mine = svc().create(req("mynet"));
    driver->clear();
    restart();
    EXPECT_EQ(svc().get("bridge").id, id);
    EXPECT_EQ(svc().get("mynet").id, mine.id);
    // The fake still has both: it answers EXISTS, which is fine.
    EXPECT_EQ(driver->calls_of("create_network").size(), 2u);
    driver->networks.clear();
    restart();
    EXPECT_EQ(driver->networks.size(), 2u);
}

TEST_F(Service, BipSetsTheDefaultBridge) {
    auto c = test_config(dir.path());
    c.bip = "172.30.0.1/16";
    svc_ = make(c);
    EXPECT_EQ(svc().get("bridge").ipam_config[0].subnet, "172.30.0.0/16");
    EXPECT_EQ(svc().get("bridge").ipam_config[0].gateway, "172.30.0.1");
    // Changing bip moves the bridge at the next start.
    svc_.reset();
    c.bip = "10.99.0.254/24";
    svc_ = make(c);
    EXPECT_EQ(svc().get("bridge").ipam_config[0].subnet, "10.99.0.0/24");
    EXPECT_EQ(svc().get("bridge").ipam_config[0].gateway, "10.99.0.254");
    svc_.reset();
    c.bip = "10.99.0.0/33";
    EXPECT_THROW(make(c), InvalidArgument);
}

TEST_F(Service, PoolsAndHostRoutesChooseSubnets) {
    auto c = test_config(dir.path());
    c.default_address_pools_json = R"([{"base":"10.50.0.0/16","size":24}])";
    c.host_routes = [] { return std::vector<ipam::Ipv4Prefix>{*ipam::parse_cidr("10.50.1.0/24")}; };
    svc_ = make(c);
    EXPECT_EQ(svc().get("bridge").ipam_config[0].subnet, "10.50.0.0/24");
    EXPECT_EQ(svc().create(req("a")).ipam_config[0].subnet, "10.50.2.0/24");
    EXPECT_EQ(svc().create(req("b")).ipam_config[0].subnet, "10.50.3.0/24");
    EXPECT_EQ(svc().get("a").ipam_config[0].gateway, "10.50.2.1");
}

TEST_F(Service, PoolsRunOut) {
    auto c = test_config(dir.path());
    c.default_address_pools_json = R"([{"base":"10.50.0.0/23","size":24}])";
    svc_ = make(c);
    svc().create(req("a"));
    EXPECT_EQ(error_of<Forbidden>([&] { svc().create(req("b")); }), ipam::kPoolsExhausted);
}

TEST_F(Service, CreateWithSubnetGatewayAndRange) {
    const auto n = svc().create(req("web", "172.20.0.0/16", "172.20.0.254", "172.20.5.0/24"));
    EXPECT_EQ(n.ipam_config[0].subnet, "172.20.0.0/16");
    EXPECT_EQ(n.ipam_config[0].gateway, "172.20.0.254");
    EXPECT_EQ(n.ipam_config[0].ip_range, "172.20.5.0/24");
    EXPECT_TRUE(n.ipam_user_configured);
    const auto cfg = json::parse(driver->calls_of("create_network").back().arg);
    EXPECT_EQ(cfg["ipv4"], json::parse(R"([{"subnet":"172.20.0.0/16","gateway":"172.20.0.254","ip_range":"172.20.5.0/24"}])"));
    // Default gateway: the subnet's first address.
    EXPECT_EQ(svc().create(req("x", "10.9.0.0/24")).ipam_config[0].gateway, "10.9.0.1");
}

TEST_F(Service, CreateRefusesWhatDockerRefuses) {
    svc().create(req("web", "172.20.0.0/16"));
    EXPECT_EQ(error_of<Conflict>([&] { svc().create(req("web")); }), "network with name web already exists");
    EXPECT_EQ(error_of<Conflict>([&] { svc().create(req("bridge")); }), "network with name bridge already exists");
    EXPECT_EQ(error_of<Forbidden>([&] { svc().create(req("w2", "172.20.128.0/17")); }),
              "Pool overlaps with other one on this address space");
    EXPECT_EQ(error_of<Forbidden>([&] { svc().create(req("w3", "172.0.0.0/8")); }),
              "Pool overlaps with other one on this address space");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("w4", "10.1.0.0/16", "10.2.0.1")); }),
              "invalid gateway 10.2.0.1: it must belong to subnet 10.1.0.0/16 and not be its network or broadcast address");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("w5", "10.1.0.0/16", "", "10.2.0.0/24")); }),
              "invalid ip-range 10.2.0.0/24: it must be a subset of subnet 10.1.0.0/16");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("w6", "10.1.0.1/16")); }),
              "invalid subnet 10.1.0.1/16: it should be 10.1.0.0/16");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("w7", "nonsense")); }),
              "invalid subnet nonsense: not an IPv4 CIDR (like 172.20.0.0/16)");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("w8", "", "10.0.0.1")); }),
              "a gateway or ip-range needs a subnet (--subnet)");
    auto r = req("w9");
    r.driver = "macvlan";
    EXPECT_EQ(error_of<NotFound>([&] { svc().create(r); }), "plugin \"macvlan\" not found");
    r.driver = "host";
    EXPECT_EQ(error_of<Forbidden>([&] { svc().create(r); }), "only one instance of \"host\" network is allowed");
    r = req("w10");
    r.ipam_driver = "dhcp";
    EXPECT_EQ(error_of<NotFound>([&] { svc().create(r); }), "plugin \"dhcp\" not found");
    EXPECT_FALSE(svc().find("w4"));
}

TEST_F(Service, DriverRefusalUndoesTheRecord) {
    svc();
    driver->fail_op = "create_network";
    driver->fail_code = BERTH_E_INVAL;
    driver->fail_message = "com.docker.network.bridge.name: too long";
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().create(req("bad")); }), "com.docker.network.bridge.name: too long");
    EXPECT_FALSE(svc().find("bad"));
    driver->fail_op.clear();
    restart();
    EXPECT_FALSE(svc().find("bad"));
}

TEST_F(Service, LookupOrderIdThenNameThenPrefix) {
    const auto a = svc().create(req("alpha"));
    EXPECT_EQ(svc().get(a.id).name, "alpha");
    EXPECT_EQ(svc().get("alpha").id, a.id);
    EXPECT_EQ(svc().get(a.id.substr(0, 5)).id, a.id);
    // A network named like another's id prefix: the name wins.
    const auto b = svc().create(req(a.id.substr(0, 6)));
    EXPECT_EQ(svc().get(a.id.substr(0, 6)).id, b.id);
    EXPECT_EQ(error_of<NotFound>([&] { svc().get("zzz"); }), "network zzz not found");
    EXPECT_FALSE(svc().find("zzz"));
    // Ambiguous prefix: an error, not a guess ("" prefix excluded).
    bool ambiguous = false;
    for (const auto &n1 : svc().list())
        for (const auto &n2 : svc().list())
            if (n1.id != n2.id && n1.id[0] == n2.id[0]) {
                EXPECT_THROW(svc().get(n1.id.substr(0, 1)), InvalidArgument);
                ambiguous = true;
            }
    (void)ambiguous;
}

TEST_F(Service, RemoveRules) {
    EXPECT_EQ(error_of<Forbidden>([&] { svc().remove("bridge"); }), "bridge is a pre-defined network and cannot be removed");
    EXPECT_EQ(error_of<Forbidden>([&] { svc().remove("host"); }), "host is a pre-defined network and cannot be removed");
    const auto n = svc().create(req("web"));
    const auto e = svc().add_endpoint(n.id, ep("c1"));
    EXPECT_EQ(error_of<Forbidden>([&] { svc().remove("web"); }),
              "error while removing network: network web id " + n.id + " has active endpoints");
    svc().remove_endpoint(e.id);
    svc().remove("web");
    EXPECT_FALSE(svc().find("web"));
    EXPECT_EQ(driver->calls_of("delete_network").back().nid, n.id);
    EXPECT_THROW(svc().remove("web"), NotFound);
    restart();
    EXPECT_FALSE(svc().find("web"));
}

TEST_F(Service, PruneKeepsPredefinedAndUsedNetworks) {
    const auto used = svc().create(req("used"));
    svc().create(req("idle1"));
    svc().create(req("idle2"));
    svc().add_endpoint(used.id, ep("c1"));
    const auto names = svc().prune([](const Network &n) { return n.name != "idle2"; });
    EXPECT_EQ(names, (std::vector<std::string>{"idle1"}));
    EXPECT_TRUE(svc().find("used"));
    EXPECT_TRUE(svc().find("idle2"));
    EXPECT_TRUE(svc().find("bridge"));
}

TEST_F(Service, EndpointsGetAddressesMacsAndSurviveRestart) {
    const auto n = svc().create(req("web", "172.20.0.0/16"));
    const auto e1 = svc().add_endpoint(n.id, ep("c1"));
    EXPECT_EQ(e1.ipv4_address, "172.20.0.2");
    EXPECT_EQ(e1.prefix_len, 16);
    EXPECT_EQ(e1.gateway, "172.20.0.1");
    EXPECT_EQ(e1.mac_address, "02:42:ac:14:00:02");
    const auto e2 = svc().add_endpoint(n.id, ep("c2", "172.20.9.9"));
    EXPECT_EQ(e2.ipv4_address, "172.20.9.9");
    EXPECT_EQ(e2.requested_ipv4, "172.20.9.9");
    restart();
    // Addresses rebuilt from the records: nothing handed out twice.
    EXPECT_EQ(svc().endpoints_of_network(n.id).size(), 2u);
    EXPECT_EQ(error_of<Conflict>([&] { svc().add_endpoint(n.id, ep("c3", "172.20.0.2")); }), "Address already in use");
    EXPECT_EQ(svc().add_endpoint(n.id, ep("c3")).ipv4_address, "172.20.0.3");
    // Released on removal, and reusable.
    svc().remove_endpoint(e1.id);
    EXPECT_EQ(svc().add_endpoint(n.id, ep("c4", "172.20.0.2")).ipv4_address, "172.20.0.2");
    EXPECT_EQ(svc().endpoints_of_container("c4").size(), 1u);
}

TEST_F(Service, EndpointRequestErrors) {
    const auto user = svc().create(req("web", "172.20.0.0/24"));
    const auto automatic = svc().create(req("auto"));
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().add_endpoint(user.id, ep("c1", "10.0.0.5")); }),
              "Invalid address 10.0.0.5: It does not belong to any of this network's subnets");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().add_endpoint(user.id, ep("c1", "banana")); }),
              "invalid IPv4 address: banana");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().add_endpoint("bridge", ep("c1", "172.17.0.9")); }),
              "user specified IP address is supported on user defined networks only");
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().add_endpoint(automatic.id, ep("c1", "172.18.0.9")); }),
              "user specified IP address is supported only when connecting to networks with user configured subnets");
    auto aliased = ep("c1");
    aliased.aliases = {"db"};
    EXPECT_EQ(error_of<InvalidArgument>([&] { svc().add_endpoint("bridge", aliased); }),
              "network-scoped alias is supported only for containers in user defined networks");
    EXPECT_EQ(error_of<NotFound>([&] { svc().add_endpoint("nope", ep("c1")); }), "network nope not found");
    svc().add_endpoint(user.id, ep("c1"));
    EXPECT_EQ(error_of<Forbidden>([&] { svc().add_endpoint(user.id, ep("c1")); }),
              "endpoint with name c-c1 already exists in network web");
    // check_endpoint_request runs the same checks without allocating.
    EXPECT_THROW(svc().check_endpoint_request("web", ep("c9", "10.0.0.5")), InvalidArgument);
    EXPECT_EQ(svc().check_endpoint_request("web", ep("c9", "172.20.0.50")).id, user.id);
    EXPECT_EQ(svc().endpoints_of_container("c9").size(), 0u);
}

TEST_F(Service, ExhaustionSaysWhichNetwork) {
    const auto n = svc().create(req("tiny", "10.7.0.0/30"));
    svc().add_endpoint(n.id, ep("c1"));
    EXPECT_EQ(error_of<Forbidden>([&] { svc().add_endpoint(n.id, ep("c2")); }),
              "no available IPv4 addresses on this network's address pools: tiny (" + n.id + ")");
}

TEST_F(Service, HostAndNoneEndpointsHaveNoAddress) {
    const auto e = svc().add_endpoint("host", ep("c1"));
    EXPECT_TRUE(e.ipv4_address.empty());
    EXPECT_TRUE(e.mac_address.empty());
    EXPECT_TRUE(driver->calls_of("create_endpoint").empty());
}

TEST(MacForIpv4, IsDockersDerivedMac) {
    EXPECT_EQ(mac_for_ipv4("172.17.0.2"), "02:42:ac:11:00:02");
    EXPECT_EQ(mac_for_ipv4("nope"), "");
}
