// ContainerNetworking with a fake driver: what attach hands the driver (and
// in which order), the NetworkSettings it returns, ports, rollback, detach
// (also after a restart), connect/disconnect, DNS registration, validate.
#include "network/container_networking.h"
#include "network/errors.h"
#include "network/network_service.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace berth::network;
using nlohmann::json;

namespace {

class FakeDns : public SandboxDns {
public:
    void add_sandbox(const std::string &id, const std::string &netns) override { added[id] = netns; }
    void remove_sandbox(const std::string &id) override {
        removed.push_back(id);
        added.erase(id);
    }
    std::map<std::string, std::string> added;
    std::vector<std::string> removed;
};

const std::string kC1 = "c1c1c1c1c1c1000000000000000000000000000000000000000000000000000000";
const std::string kC2 = "c2c2c2c2c2c2000000000000000000000000000000000000000000000000000000";
const std::string kNetns = "/proc/4242/ns/net";

class Glue : public ::testing::Test {
protected:
    Glue() { rebuild(); }
    void rebuild() {
        cn.reset();
        svc.reset();
        svc = std::make_unique<NetworkService>(test_config(dir.path()), lookup_for(driver));
        PortOptions ports;
        ports.ephemeral_range = {40000, 40009};
        ports.probe = [this](const std::string &, const std::string &, uint16_t p) { return busy.count(p) == 0; };
        cn = std::make_unique<ContainerNetworking>(*svc, &dns, ports);
    }
    ContainerNetworkSpec spec(const std::string &id, const std::string &name, const std::string &mode = "") {
        ContainerNetworkSpec s;
        s.container_id = id;
        s.container_name = name;
        s.network_mode = mode;
        s.endpoints_config_json = "{}";
        return s;
    }
    Network user_net(const std::string &name, const std::string &subnet = "") {
        CreateRequest r;
        r.name = name;
        if (!subnet.empty()) r.ipam_config = {{subnet, "", "", {}}};
        return svc->create(r);
    }

    TestDir dir;
    std::shared_ptr<FakeDriver> driver = std::make_shared<FakeDriver>();
    FakeDns dns;
    std::set<uint16_t> busy;
    std::unique_ptr<NetworkService> svc;
    std::unique_ptr<ContainerNetworking> cn;
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

TEST_F(Glue, AttachToTheDefaultBridgeWithPorts) {
    driver->clear();
    auto s = spec(kC1, "web");
    s.port_bindings_json = R"({"80/tcp":[{"HostIp":"","HostPort":"8080"}],"443/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]})";
    s.exposed_ports_json = R"({"80/tcp":{},"443/tcp":{},"9000/tcp":{}})";
    const auto settings = json::parse(cn->attach(s, kNetns));
    const auto bridge = svc->get("bridge");

    EXPECT_EQ(driver->ops(), (std::vector<std::string>{"create_endpoint", "join", "program_external"}));
    const auto ce = driver->calls_of("create_endpoint")[0];
    EXPECT_EQ(ce.nid, bridge.id);
    EXPECT_EQ(json::parse(ce.arg),
              json::parse(R"({"v":1,"address":"172.17.0.2/16","mac":"02:42:ac:11:00:02","options":{}})"));
    const auto join = driver->calls_of("join")[0];
    EXPECT_EQ(join.eid, ce.eid);
    const auto space = join.arg.find(' ');
    EXPECT_EQ(join.arg.substr(0, space), kNetns);
    EXPECT_EQ(json::parse(join.arg.substr(space + 1)),
              json::parse(R"({"v":1,"ifname_prefix":"eth","ifname":"eth0","mtu":1500,"disable_gateway":false})"));
    EXPECT_EQ(json::parse(driver->calls_of("program_external")[0].arg), json::parse(R"({"v":1,
        "ports":[{"proto":"tcp","container_port":443,"host_ip":"127.0.0.1","host_port":40000},
                 {"proto":"tcp","container_port":80,"host_ip":"0.0.0.0","host_port":8080}],
        "exposed":[{"proto":"tcp","port":80},{"proto":"tcp","port":443},{"proto":"tcp","port":9000}]})"));

    EXPECT_EQ(settings["IPAddress"], "172.17.0.2");
    EXPECT_EQ(settings["IPPrefixLen"], 16);
    EXPECT_EQ(settings["Gateway"], "172.17.0.1");
    EXPECT_EQ(settings["MacAddress"], "02:42:ac:11:00:02");
    EXPECT_EQ(settings["EndpointID"], ce.eid);
    EXPECT_EQ(settings["SandboxKey"], kNetns);
    EXPECT_EQ(settings["Ports"], json::parse(R"({"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}],
        "443/tcp":[{"HostIp":"127.0.0.1","HostPort":"40000"}],"9000/tcp":null})"));
    const auto &b = settings["Networks"]["bridge"];
    EXPECT_EQ(b["NetworkID"], bridge.id);
    EXPECT_EQ(b["EndpointID"], ce.eid);
    EXPECT_EQ(b["IPAddress"], "172.17.0.2");
    EXPECT_EQ(b["Gateway"], "172.17.0.1");
    EXPECT_EQ(b["IPPrefixLen"], 16);
    EXPECT_EQ(b["Aliases"], nullptr);
    EXPECT_EQ(b["IPAMConfig"], nullptr);
    EXPECT_TRUE(dns.added.empty()); // the default bridge has no embedded DNS
    EXPECT_FALSE(cn->uses_embedded_dns(s));

    const auto addrs = cn->addresses(kC1);
    ASSERT_EQ(addrs.size(), 1u);
    EXPECT_EQ(addrs[0].ipv4, "172.17.0.2");
}

TEST_F(Glue, DetachUndoesEverythingEvenAfterARestart) {
    auto s = spec(kC1, "web");
    s.port_bindings_json = R"({"80/tcp":[{"HostPort":"8080"}]})";
    cn->attach(s, kNetns);
    const auto eid = driver->calls_of("create_endpoint")[0].eid;
    rebuild(); // berthd restarted: only the records remain
    driver->clear();
    cn->detach(kC1);
    EXPECT_EQ(driver->ops(), (std::vector<std::string>{"revoke_external", "leave", "delete_endpoint"}));
    EXPECT_EQ(driver->calls_of("leave")[0].eid, eid);
    EXPECT_TRUE(svc->endpoints_of_container(kC1).empty());
    // Address and port are free again.
    const auto again = json::parse(cn->attach(s, kNetns));
    // The allocator's "last handed out" is not persisted: after a restart
    // allocation starts at the subnet's beginning again.
    EXPECT_EQ(again["Networks"]["bridge"]["IPAddress"], "172.17.0.2");
    EXPECT_EQ(again["Ports"]["80/tcp"][0]["HostPort"], "8080");
    cn->detach(kC1);
    cn->detach(kC1); // idempotent
    cn->detach("never-attached");
}

TEST_F(Glue, UserNetworkWithIpAliasesAndDns) {
    const auto net = user_net("appnet", "10.30.0.0/24");
    auto s = spec(kC1, "db", "appnet");
    s.endpoints_config_json = R"({"appnet":{"IPAMConfig":{"IPv4Address":"10.30.0.50"},"Aliases":["pg","database"]}})";
    EXPECT_TRUE(cn->uses_embedded_dns(s));
    const auto settings = json::parse(cn->attach(s, kNetns));
    const auto &n = settings["Networks"]["appnet"];
    EXPECT_EQ(n["IPAddress"], "10.30.0.50");
    EXPECT_EQ(n["IPAMConfig"], json::parse(R"({"IPv4Address":"10.30.0.50"})"));
    EXPECT_EQ(n["Aliases"], json::parse(R"(["pg","database","c1c1c1c1c1c1"])"));
    EXPECT_EQ(n["DNSNames"], json::parse(R"(["db","c1c1c1c1c1c1","pg","database"])"));
    EXPECT_EQ(settings["IPAddress"], ""); // not on the default bridge
    EXPECT_EQ(dns.added.at(kC1), kNetns);

    cn->attach(spec(kC2, "web", "appnet"), "/proc/99/ns/net");
    EXPECT_EQ(cn->resolve(kC2, "pg"), (std::vector<std::string>{"10.30.0.50"}));
    EXPECT_EQ(cn->resolve(kC2, "DB.appnet"), (std::vector<std::string>{"10.30.0.50"}));
    EXPECT_EQ(cn->resolve(kC1, "web"), (std::vector<std::string>{"10.30.0.2"}));
    EXPECT_TRUE(cn->resolve(kC1, "example.org").empty());
    cn->detach(kC1);
    EXPECT_EQ(dns.removed, (std::vector<std::string>{kC1}));
    EXPECT_TRUE(cn->resolve(kC2, "pg").empty());
    (void)net;
}

TEST_F(Glue, MultipleNetworksGetEthIndexesAndOneGateway) {
    user_net("front");
    user_net("back");
    driver->clear();
    auto s = spec(kC1, "app", "front");
    s.endpoints_config_json = R"({"front":{},"back":{"Aliases":["api"]}})";
    s.port_bindings_json = R"({"80/tcp":[{"HostPort":"8080"}]})";
    const auto settings = json::parse(cn->attach(s, kNetns));
    const auto joins = driver->calls_of("join");
    ASSERT_EQ(joins.size(), 2u);
    EXPECT_NE(joins[0].arg.find(R"("ifname":"eth0")"), std::string::npos);
    EXPECT_NE(joins[0].arg.find(R"("disable_gateway":false)"), std::string::npos);
    EXPECT_NE(joins[1].arg.find(R"("ifname":"eth1")"), std::string::npos);
    EXPECT_NE(joins[1].arg.find(R"("disable_gateway":true)"), std::string::npos);
    ASSERT_EQ(driver->calls_of("program_external").size(), 1u);
    EXPECT_EQ(driver->calls_of("program_external")[0].nid, svc->get("front").id);
    EXPECT_TRUE(settings["Networks"].contains("front"));
    EXPECT_TRUE(settings["Networks"].contains("back"));
}

TEST_F(Glue, HostAndNoneNeedNoDriver) {
    driver->clear();
    const auto host = json::parse(cn->attach(spec(kC1, "h", "host"), kNetns));
    EXPECT_TRUE(driver->calls.empty());
    EXPECT_EQ(host["Networks"]["host"]["NetworkID"], svc->get("host").id);
    EXPECT_EQ(host["Networks"]["host"]["IPAddress"], "");
    EXPECT_EQ(host["Ports"], json::object());
    const auto none = json::parse(cn->attach(spec(kC2, "n", "none"), kNetns));
    EXPECT_TRUE(none["Networks"].contains("none"));
    EXPECT_EQ(svc->endpoints_of_network(svc->get("host").id).size(), 1u);
    cn->detach(kC1);
    EXPECT_TRUE(svc->endpoints_of_network(svc->get("host").id).empty());
    // container:<id> shares another namespace: nothing here.
    EXPECT_EQ(json::parse(cn->attach(spec(kC1, "x", "container:abc"), kNetns))["Networks"], json::object());
}

TEST_F(Glue, FailuresRollBack) {
    user_net("appnet");
    auto s = spec(kC1, "web", "appnet");
    s.port_bindings_json = R"({"80/tcp":[{"HostPort":"8080"}]})";
    driver->fail_op = "program_external";
    driver->fail_message = "listen tcp4 0.0.0.0:8080: bind: address already in use";
    const auto msg = error_of<InternalError>([&] { cn->attach(s, kNetns); });
    EXPECT_NE(msg.find("driver failed programming external connectivity on endpoint web"), std::string::npos) << msg;
    EXPECT_NE(msg.find("address already in use"), std::string::npos) << msg;
    EXPECT_TRUE(svc->endpoints_of_container(kC1).empty());
    EXPECT_TRUE(driver->endpoints.empty());
    EXPECT_TRUE(dns.added.empty());
    driver->fail_op = "join";
    driver->fail_message = "no such netns";
    EXPECT_THROW(cn->attach(s, kNetns), InternalError);
    EXPECT_TRUE(svc->endpoints_of_container(kC1).empty());
    driver->fail_op.clear();
    // A port another container holds: Docker's conflict, nothing left behind.
    cn->attach(s, kNetns);
    auto s2 = spec(kC2, "web2");
    s2.port_bindings_json = R"({"80/tcp":[{"HostPort":"8080"}]})";
    EXPECT_EQ(error_of<Conflict>([&] { cn->attach(s2, kNetns); }),
              "Bind for 0.0.0.0:8080 failed: port is already allocated");
    EXPECT_TRUE(svc->endpoints_of_container(kC2).empty());
}

TEST_F(Glue, PublishAllPicksEphemeralPortsSkippingBusyOnes) {
    busy = {40000, 40001};
    auto s = spec(kC1, "web");
    s.exposed_ports_json = R"({"80/tcp":{},"53/udp":{}})";
    s.publish_all = true;
    const auto settings = json::parse(cn->attach(s, kNetns));
    // In (proto, port) order: 80/tcp, then 53/udp.
    EXPECT_EQ(settings["Ports"]["80/tcp"][0]["HostPort"], "40002");
    EXPECT_EQ(settings["Ports"]["53/udp"][0]["HostPort"], "40003");
}

TEST_F(Glue, ValidateAtCreate) {
    user_net("appnet", "10.30.0.0/24");
    auto s = spec(kC1, "web", "nope");
    EXPECT_EQ(error_of<NotFound>([&] { cn->validate(s); }), "network nope not found");
    s = spec(kC1, "web", "container:abc");
    s.port_bindings_json = R"({"80/tcp":[{"HostPort":"80"}]})";
    EXPECT_EQ(error_of<InvalidArgument>([&] { cn->validate(s); }),
              "conflicting options: port publishing and the container type network mode");
    s = spec(kC1, "web", "host");
    s.endpoints_config_json = R"({"appnet":{}})";
    EXPECT_EQ(error_of<InvalidArgument>([&] { cn->validate(s); }),
              "Container cannot be connected to network endpoints: host, appnet");
    s = spec(kC1, "web", "appnet");
    s.endpoints_config_json = R"({"appnet":{"IPAMConfig":{"IPv4Address":"10.31.0.5"}}})";
    EXPECT_EQ(error_of<InvalidArgument>([&] { cn->validate(s); }),
              "Invalid address 10.31.0.5: It does not belong to any of this network's subnets");
    s = spec(kC1, "web", "default");
    s.endpoints_config_json = R"({"bridge":{"Aliases":["x"]}})";
    EXPECT_THROW(cn->validate(s), InvalidArgument);
    s = spec(kC1, "web");
    s.port_bindings_json = R"({"80/bogus":[]})";
    EXPECT_THROW(cn->validate(s), InvalidArgument);
    s = spec(kC1, "web", "appnet");
    s.endpoints_config_json = R"({"appnet":{"IPAMConfig":{"IPv4Address":"10.30.0.5"}}})";
    EXPECT_NO_THROW(cn->validate(s));
    EXPECT_TRUE(svc->endpoints_of_container(kC1).empty());
}

TEST_F(Glue, ConnectAndDisconnectARunningContainer) {
    user_net("appnet", "10.30.0.0/24");
    cn->attach(spec(kC1, "web"), kNetns);
    driver->clear();
    const auto settings = json::parse(
        cn->connect(kC1, "web", "appnet", R"({"IPAMConfig":{"IPv4Address":"10.30.0.9"},"Aliases":["www"]})", kNetns));
    EXPECT_EQ(settings["Networks"]["appnet"]["IPAddress"], "10.30.0.9");
    EXPECT_EQ(settings["Networks"]["bridge"]["IPAddress"], "172.17.0.2");
    EXPECT_EQ(driver->ops(), (std::vector<std::string>{"create_endpoint", "join"})); // no second gateway
    EXPECT_NE(driver->calls_of("join")[0].arg.find(R"("ifname":"eth1")"), std::string::npos);
    EXPECT_EQ(dns.added.count(kC1), 1u);
    EXPECT_EQ(error_of<Forbidden>([&] { cn->connect(kC1, "web", "appnet", "{}", kNetns); }),
              "endpoint with name web already exists in network appnet");
    EXPECT_EQ(error_of<InvalidArgument>([&] { cn->connect(kC1, "web", "host", "{}", kNetns); }),
              "container cannot be disconnected from host network or connected to host network");
    EXPECT_THROW(cn->connect(kC1, "web", "nope", "{}", kNetns), NotFound);

    cn->disconnect(kC1, "appnet", false);
    EXPECT_EQ(svc->endpoints_of_container(kC1).size(), 1u);
    EXPECT_EQ(dns.removed, (std::vector<std::string>{kC1}));
    EXPECT_EQ(error_of<InvalidArgument>([&] { cn->disconnect(kC1, "appnet", false); }),
              "container " + kC1 + " is not connected to network appnet");
    EXPECT_NO_THROW(cn->disconnect(kC1, "appnet", true));
    EXPECT_NO_THROW(cn->disconnect(kC1, "gone", true));
    EXPECT_THROW(cn->disconnect(kC1, "gone", false), NotFound);
}

TEST_F(Glue, ConnectWithoutANamespaceOnlyChecks) {
    user_net("appnet", "10.30.0.0/24");
    driver->clear();
    EXPECT_EQ(cn->connect(kC1, "web", "appnet", R"({"IPAMConfig":{"IPv4Address":"10.30.0.9"}})", ""), "");
    EXPECT_TRUE(driver->calls.empty());
    EXPECT_THROW(cn->connect(kC1, "web", "appnet", R"({"IPAMConfig":{"IPv4Address":"10.99.0.9"}})", ""),
                 InvalidArgument);
}

TEST_F(Glue, RestoreReRegistersDnsAfterARestart) {
    user_net("appnet");
    cn->attach(spec(kC1, "web", "appnet"), kNetns);
    rebuild();
    dns.added.clear();
    cn->restore(kC1, kNetns);
    EXPECT_EQ(dns.added.at(kC1), kNetns);
    cn->restore("on-bridge-only", kNetns);
    EXPECT_EQ(dns.added.size(), 1u);
}

TEST_F(Glue, SettingsOfAStoppedContainerShowConfiguredNetworks) {
    user_net("appnet");
    auto s = spec(kC1, "web", "appnet");
    s.exposed_ports_json = R"({"80/tcp":{}})";
    const auto settings = json::parse(cn->network_settings(kC1, "", &s));
    EXPECT_EQ(settings["Networks"]["appnet"]["NetworkID"], svc->get("appnet").id);
    EXPECT_EQ(settings["Networks"]["appnet"]["IPAddress"], "");
    EXPECT_EQ(settings["Networks"]["appnet"]["EndpointID"], "");
    EXPECT_EQ(settings["Ports"], json::object());
    EXPECT_EQ(settings["SandboxKey"], "");
}

TEST_F(Glue, DriverChosenMacIsKept) {
    driver->endpoint_reply = R"({"v":1,"mac":"02:00:00:00:00:01"})";
    const auto settings = json::parse(cn->attach(spec(kC1, "web"), kNetns));
    EXPECT_EQ(settings["MacAddress"], "02:00:00:00:00:01");
    rebuild();
    EXPECT_EQ(svc->endpoints_of_container(kC1)[0].mac_address, "02:00:00:00:00:01");
}
