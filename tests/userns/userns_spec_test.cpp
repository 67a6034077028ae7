// build_spec under userns-remap: a "user" namespace with one mapping of
// container ids 0..size-1 onto the remap range, and ping_group_range ending
// with the map; UsernsMode "host" or a disabled map leave the spec as it was.
// Host facts are pinned as in the spec suite's own fixture.
#include "config/id_map.h"
#include "containers/spec/build_spec.h"
#include "../containers/spec/test_rootfs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::containers::spec;
using berth::containers::spec::test::TempRootfs;
using json = nlohmann::json;

namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class UsernsSpec : public ::testing::Test {
protected:
    void SetUp() override {
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
        root.write("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        input.image.config_json = R"({"Env":["PATH=/img/bin"],"Cmd":["sh"]})";
        input.host.rootfs_path = root.path();
        input.host.container_id = kId;
        input.host.hosts_path = "/c/hosts";
        input.host.resolv_conf_path = "/c/resolv.conf";
        input.host.hostname_path = "/c/hostname";
        input.host.cgroup_parent = "/docker";
        input.host.apparmor_enabled = false;
        input.host.cap_last_cap = 40;
        input.host.kernel_at_least_4_8 = true;
        input.host.swap_limit_supported = true;
        input.host.blkio_weight_supported = true;
        input.host.host_cpus = 4;
        input.host.thermal_throttle_paths = std::vector<std::string>{};
        input.host.default_sysctls_present =
            std::vector<std::string>{"net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range"};
        input.host.arch = "amd64";
    }
    json build(const std::string &body) {
        input.create_body = body;
        return json::parse(build_spec(input));
    }
    TempRootfs root;
    SpecInput input;
};

const json kPrivateNamespaces =
    json::parse(R"([{"type":"mount"},{"type":"network"},{"type":"uts"},{"type":"pid"},{"type":"ipc"}])");

TEST_F(UsernsSpec, AMapGivesAUserNamespaceWithTheMappings) {
    input.host.id_map = berth::config::IdMap{100000, 200000, 65536};
    const auto s = build("{}");
    const auto &l = s["linux"];
    auto expected = kPrivateNamespaces;
    expected.push_back({{"type", "user"}});
    EXPECT_EQ(l["namespaces"], expected);
    EXPECT_EQ(l["uidMappings"], json::parse(R"([{"containerID":0,"hostID":100000,"size":65536}])"));
    EXPECT_EQ(l["gidMappings"], json::parse(R"([{"containerID":0,"hostID":200000,"size":65536}])"));
    EXPECT_EQ(l["sysctl"], json({{"net.ipv4.ip_unprivileged_port_start", "0"},
                                 {"net.ipv4.ping_group_range", "0 65535"}}));
    // The process still runs as the container's root.
    EXPECT_EQ(s["process"]["user"], json({{"uid", 0}, {"gid", 0}, {"additionalGids", {0}}}));
}

TEST_F(UsernsSpec, ThePingRangeEndsWithTheMap) {
    input.host.id_map = berth::config::IdMap{300000, 300000, 1000};
    const auto l = build("{}")["linux"];
    EXPECT_EQ(l["sysctl"]["net.ipv4.ping_group_range"], "0 999");
    EXPECT_EQ(l["uidMappings"], json::parse(R"([{"containerID":0,"hostID":300000,"size":1000}])"));
    EXPECT_EQ(l["gidMappings"], json::parse(R"([{"containerID":0,"hostID":300000,"size":1000}])"));
}

TEST_F(UsernsSpec, TheUserNamespaceComesAfterCgroup) {
    input.host.id_map = berth::config::IdMap{100000, 200000, 65536};
    input.host.cgroup_v2 = true;
    const auto ns = build("{}")["linux"]["namespaces"];
    ASSERT_EQ(ns.size(), 7u);
    EXPECT_EQ(ns[5], json({{"type", "cgroup"}}));
    EXPECT_EQ(ns[6], json({{"type", "user"}}));
}

TEST_F(UsernsSpec, UsernsModeHostOptsOut) {
    input.host.id_map = berth::config::IdMap{100000, 200000, 65536};
    const auto l = build(R"({"HostConfig":{"UsernsMode":"host"}})")["linux"];
    EXPECT_EQ(l["namespaces"], kPrivateNamespaces);
    EXPECT_FALSE(l.contains("uidMappings"));
    EXPECT_FALSE(l.contains("gidMappings"));
    EXPECT_EQ(l["sysctl"]["net.ipv4.ping_group_range"], "0 2147483647");
}

TEST_F(UsernsSpec, ADisabledMapLeavesTheSpecUnchanged) {
    const std::string body = R"({"HostConfig":{"Memory":67108864}})";
    input.create_body = body;
    const std::string without = build_spec(input);
    input.host.id_map = berth::config::IdMap{};
    input.create_body = body;
    EXPECT_EQ(build_spec(input), without);
    const auto l = json::parse(without)["linux"];
    EXPECT_EQ(l["namespaces"], kPrivateNamespaces);
    EXPECT_FALSE(l.contains("uidMappings"));
    EXPECT_FALSE(l.contains("gidMappings"));
    EXPECT_EQ(l["sysctl"]["net.ipv4.ping_group_range"], "0 2147483647");
    // UsernsMode "host" without a map: nothing either.
    input.host.id_map = berth::config::IdMap{};
    EXPECT_EQ(build(R"({"HostConfig":{"UsernsMode":"host"}})")["linux"]["namespaces"], kPrivateNamespaces);
}

TEST_F(UsernsSpec, TheMapOnlyAddsTheNamespaceMappingsAndPingRange) {
    const json plain = build("{}");
    input.host.id_map = berth::config::IdMap{100000, 200000, 65536};
    json mapped = build("{}");
    mapped["linux"]["namespaces"].erase(mapped["linux"]["namespaces"].size() - 1);
    mapped["linux"].erase("uidMappings");
    mapped["linux"].erase("gidMappings");
    mapped["linux"]["sysctl"]["net.ipv4.ping_group_range"] = "0 2147483647";
    EXPECT_EQ(mapped, plain);
}

} // namespace
