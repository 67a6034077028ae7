// Bodies and rows of the network commands, compared with what docker 28's
// CLI sends (captured from `docker network create ...` against a fake
// daemon) and prints.
#include "create_request.h"
#include "errors.h"
#include "network_request.h"

#include <gtest/gtest.h>

using namespace berth::cli;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string create_error(const NetworkCreateOptions& o) {
    try {
        network_create_body(o);
    } catch (const CliError& e) {
        return e.what();
    }
    return "";
}

NetworkCreateOptions named(const std::string& name) {
    NetworkCreateOptions o;
    o.name = name;
    return o;
}

}  // namespace

TEST(NetworkCreateBody, PlainNetworkAsDockerSendsIt) {
    EXPECT_EQ(network_create_body(named("plain")).dump(),
              R"({"Driver":"bridge","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[]},)"
              R"("Internal":false,"Attachable":false,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,)"
              R"("Options":{},"Labels":{},"Name":"plain"})");
}

TEST(NetworkCreateBody, EveryFlagAsDockerSendsIt) {
    NetworkCreateOptions o = named("n1");
    o.subnets = {"10.9.0.0/24"};
    o.gateways = {"10.9.0.1"};
    o.ip_ranges = {"10.9.0.128/25"};
    o.internal = true;
    o.attachable = true;
    o.options = {"com.docker.network.bridge.name=brx"};
    o.labels = {"a=b"};
    o.ipv6 = true;
    EXPECT_EQ(network_create_body(o).dump(),
              R"({"Driver":"bridge","Scope":"","EnableIPv6":true,"IPAM":{"Driver":"default","Options":{},)"
              R"("Config":[{"Subnet":"10.9.0.0/24","IPRange":"10.9.0.128/25","Gateway":"10.9.0.1"}]},)"
              R"("Internal":true,"Attachable":true,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,)"
              R"("Options":{"com.docker.network.bridge.name":"brx"},"Labels":{"a":"b"},"Name":"n1"})");
}

TEST(NetworkCreateBody, GatewaysAndRangesFindTheirSubnet) {
    NetworkCreateOptions o = named("two");
    o.subnets = {"10.1.0.0/16", "fd00:1::/64"};
    o.gateways = {"fd00:1::1", "10.1.0.254"};
    o.aux_addresses = {"host=10.1.0.2"};
    o.ipv4 = false;
    const ordered_json body = network_create_body(o);
    EXPECT_EQ(body["EnableIPv4"], false);
    EXPECT_FALSE(body.contains("EnableIPv6"));
    EXPECT_EQ(body["IPAM"]["Config"].dump(),
              R"([{"Subnet":"10.1.0.0/16","Gateway":"10.1.0.254","AuxiliaryAddresses":{"host":"10.1.0.2"}},)"
              R"({"Subnet":"fd00:1::/64","Gateway":"fd00:1::1"}])");
}

TEST(NetworkCreateBody, RefusesWhatDockerRefuses) {
    NetworkCreateOptions o = named("bad");
    o.gateways = {"10.0.0.1"};
    EXPECT_EQ(create_error(o), "every ip-range or gateway must have a corresponding subnet");

    o = named("bad");
    o.subnets = {"10.0.0.0/16", "10.0.5.0/24"};
    EXPECT_EQ(create_error(o), "multiple overlapping subnet configuration is not supported");

    o = named("bad");
    o.subnets = {"10.0.0.0/24"};
    o.gateways = {"10.0.1.1"};
    EXPECT_EQ(create_error(o), "no matching subnet for gateway 10.0.1.1");

    o = named("bad");
    o.subnets = {"10.0.0.0/24"};
    o.ip_ranges = {"10.0.1.0/25"};
    EXPECT_EQ(create_error(o), "no matching subnet for range 10.0.1.0/25");

    o = named("bad");
    o.subnets = {"10.0.0.0/24", "10.1.0.0/24"};
    o.gateways = {"10.0.0.1", "10.0.0.2"};
    EXPECT_EQ(create_error(o), "cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/24)");

    o = named("bad");
    o.subnets = {"10.0.0.0/33"};
    EXPECT_EQ(create_error(o), "invalid subnet: invalid CIDR address: 10.0.0.0/33");

    o = named("bad");
    o.subnets = {"10.0.0.0/24"};
    o.aux_addresses = {"x=192.168.0.1"};
    EXPECT_EQ(create_error(o), "no matching subnet for aux-address 192.168.0.1");
}

TEST(NetworkConnectBody, AsDockerSendsIt) {
    EXPECT_EQ(network_connect_body("c1", "10.9.0.5", "", {"x", "y"}, {}).dump(),
              R"({"Container":"c1","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.9.0.5"},"Links":null,)"
              R"("Aliases":["x","y"],"MacAddress":"","DriverOpts":{},"GwPriority":0,"NetworkID":"",)"
              R"("EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"",)"
              R"("GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}})");
    const ordered_json plain = network_connect_body("c1", "", "", {}, {});
    EXPECT_EQ(plain["EndpointConfig"]["IPAMConfig"], ordered_json::object());
    EXPECT_EQ(plain["EndpointConfig"]["Aliases"], nullptr);
    EXPECT_THROW(network_connect_body("c1", "10.9.0", "", {}, {}), CliError);
    EXPECT_THROW(network_connect_body("c1", "", "10.9.0.1", {}, {}), CliError);
    EXPECT_EQ(network_disconnect_body("c1", true).dump(), R"({"Container":"c1","Force":true})");
}

TEST(RunNetworkFlags, AliasAndAddressGoToTheNetworksEndpoint) {
    ContainerCreateOptions o;
    o.image = "busybox";
    o.network = "n1";
    o.network_aliases = {"a1"};
    o.ipv4 = "10.9.0.7";
    const json body = build_create_request(o, false, [](const std::string&) { return std::nullopt; }, {}).body;
    EXPECT_EQ(body["HostConfig"]["NetworkMode"], "n1");
    EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"].dump(),
              R"({"n1":{"Aliases":["a1"],"DNSNames":null,"DriverOpts":null,"EndpointID":"","Gateway":"",)"
              R"("GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"GwPriority":0,)"
              R"("IPAMConfig":{"IPv4Address":"10.9.0.7"},"IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"",)"
              R"("Links":null,"MacAddress":"","NetworkID":""}})");
}

TEST(RunNetworkFlags, AliasWithoutNetworkIsKeyedDefault) {
    ContainerCreateOptions o;
    o.image = "busybox";
    o.network_aliases = {"a1"};
    const json body = build_create_request(o, false, [](const std::string&) { return std::nullopt; }, {}).body;
    EXPECT_TRUE(body["NetworkingConfig"]["EndpointsConfig"].contains("default"));
    EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"]["default"]["IPAMConfig"], nullptr);
}

TEST(RunNetworkFlags, PublishAllAndExpose) {
    ContainerCreateOptions o;
    o.image = "busybox";
    o.publish_all = true;
    o.expose = {"8081", "9000-9001/udp"};
    const json body = build_create_request(o, false, [](const std::string&) { return std::nullopt; }, {}).body;
    EXPECT_EQ(body["HostConfig"]["PublishAllPorts"], true);
    EXPECT_EQ(body["ExposedPorts"], json::parse(R"({"8081/tcp":{},"9000/udp":{},"9001/udp":{}})"));
    EXPECT_EQ(body["HostConfig"]["PortBindings"], json::object());
    o.expose = {"80:80"};
    EXPECT_THROW(build_create_request(o, false, [](const std::string&) { return std::nullopt; }, {}), CliError);
}

TEST(NetworkRows, SortedByNameWithShortIds) {
    const json networks = json::parse(R"([
        {"Name":"net2","Id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","Driver":"bridge","Scope":"local",
         "Labels":{"a":"1"}},
        {"Name":"bridge","Id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","Driver":"bridge","Scope":"local",
         "Internal":true,"EnableIPv6":false}])");
    const auto rows = network_rows(networks, false);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["Name"], "bridge");
    EXPECT_EQ(rows[0]["ID"], "aaaaaaaaaaaa");
    EXPECT_EQ(rows[0]["Internal"], "true");
    EXPECT_EQ(rows[1]["Labels"], "a=1");
    EXPECT_EQ(network_rows(networks, true)[1]["ID"].get<std::string>().size(), 64u);
}
