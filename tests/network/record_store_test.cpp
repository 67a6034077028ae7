// Records on disk: round trips, atomic writes (a kill -9 leaves the old
// record plus a temp file that load() sweeps), unreadable records skipped.
#include "network/network_record.h"
#include "network/record_store.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace berth::network;
namespace fs = std::filesystem;

namespace {

Network sample_network() {
    Network n;
    n.id = std::string(64, 'a');
    n.name = "web";
    n.driver = "bridge";
    n.created = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000) + std::chrono::nanoseconds(5));
    n.internal = true;
    n.attachable = true;
    n.ipam_options = {{"o", "v"}};
    n.ipam_config = {{"172.20.0.0/16", "172.20.5.0/24", "172.20.0.1", {}}};
    n.ipam_user_configured = true;
    n.options = {{"com.docker.network.bridge.name", "br-web"}};
    n.labels = {{"tier", "front"}};
    return n;
}

Endpoint sample_endpoint() {
    Endpoint e;
    e.id = std::string(64, 'e');
    e.network_id = std::string(64, 'a');
    e.container_id = std::string(64, 'c');
    e.container_name = "web1";
    e.ipv4_address = "172.20.5.0";
    e.prefix_len = 16;
    e.gateway = "172.20.0.1";
    e.mac_address = "02:42:ac:14:05:00";
    e.requested_ipv4 = "172.20.5.0";
    e.aliases = {"api", "www"};
    e.ports = {{"tcp", 80, "", 8080}, {"udp", 53, "127.0.0.1", 5353}};
    e.exposed = {{"tcp", 80}, {"udp", 53}};
    e.external = true;
    return e;
}

void write_text(const fs::path &p, const std::string &text) {
    std::ofstream out(p);
    out << text;
}

} // namespace

TEST(NetworkRecord, RoundTripsEveryField) {
    const auto n = sample_network();
    const auto back = parse_network_record(network_record_json(n));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, n.id);
    EXPECT_EQ(back->name, n.name);
    EXPECT_EQ(back->created, n.created);
    EXPECT_TRUE(back->internal);
    EXPECT_TRUE(back->attachable);
    EXPECT_TRUE(back->ipam_user_configured);
    EXPECT_EQ(back->ipam_options, n.ipam_options);
    ASSERT_EQ(back->ipam_config.size(), 1u);
    EXPECT_EQ(back->ipam_config[0].subnet, "172.20.0.0/16");
    EXPECT_EQ(back->ipam_config[0].ip_range, "172.20.5.0/24");
    EXPECT_EQ(back->ipam_config[0].gateway, "172.20.0.1");
    EXPECT_EQ(back->options, n.options);
    EXPECT_EQ(back->labels, n.labels);
}

TEST(NetworkRecord, RefusesMalformedText) {
    EXPECT_FALSE(parse_network_record("{"));
    EXPECT_FALSE(parse_network_record("[]"));
    EXPECT_FALSE(parse_network_record(R"({"Id":"short","Name":"x","Driver":"bridge","Created":"2024-01-01T00:00:00Z"})"));
    EXPECT_FALSE(parse_network_record(R"({"Id":")" + std::string(64, 'a') + R"(","Name":"x","Driver":"bridge"})"));
}

TEST(EndpointRecord, RoundTripsEveryField) {
    const auto e = sample_endpoint();
    const auto back = parse_endpoint_record(endpoint_record_json(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, e.id);
    EXPECT_EQ(back->container_name, "web1");
    EXPECT_EQ(back->ipv4_address, e.ipv4_address);
    EXPECT_EQ(back->prefix_len, 16);
    EXPECT_EQ(back->mac_address, e.mac_address);
    EXPECT_EQ(back->requested_ipv4, e.requested_ipv4);
    EXPECT_EQ(back->aliases, e.aliases);
    EXPECT_EQ(back->ports, e.ports);
    EXPECT_EQ(back->exposed, e.exposed);
    EXPECT_TRUE(back->external);
    EXPECT_FALSE(parse_endpoint_record(R"({"id":"x"})"));
}

TEST(RecordStore, SavesLoadsAndRemoves) {
    TestDir dir;
    RecordStore store(dir.path() / "network");
    store.save(sample_network());
    store.save(sample_endpoint());
    auto loaded = store.load();
    ASSERT_EQ(loaded.networks.size(), 1u);
    ASSERT_EQ(loaded.endpoints.size(), 1u);
    EXPECT_TRUE(loaded.errors.empty());
    store.remove_endpoint(sample_endpoint().id);
    store.remove_network(sample_network().id);
    store.remove_network(sample_network().id); // already gone: fine
    loaded = store.load();
    EXPECT_TRUE(loaded.networks.empty());
    EXPECT_TRUE(loaded.endpoints.empty());
}

TEST(RecordStore, KillNineLeftoversAreSweptAndTheOldRecordSurvives) {
    TestDir dir;
    RecordStore store(dir.path() / "network");
    const auto n = sample_network();
    store.save(n);
    // What write_file_atomic leaves when killed before its rename.
    const fs::path temp = dir.path() / "network" / "networks" / ("." + n.id + ".json.tmp-AbC123");
    write_text(temp, "{\"half\":");
    const auto loaded = store.load();
    ASSERT_EQ(loaded.networks.size(), 1u);
    EXPECT_EQ(loaded.networks[0].name, "web");
    EXPECT_TRUE(loaded.errors.empty());
    EXPECT_FALSE(fs::exists(temp));
}

TEST(RecordStore, UnreadableRecordsAreSkippedAndReported) {
    TestDir dir;
    RecordStore store(dir.path() / "network");
    store.save(sample_network());
    write_text(dir.path() / "network" / "networks" / (std::string(64, 'b') + ".json"), "not json");
    // A record whose file name and id disagree is not trusted either.
    auto other = sample_network();
    other.id = std::string(64, 'd');
    write_text(dir.path() / "network" / "networks" / (std::string(64, 'f') + ".json"), network_record_json(other));
    const auto loaded = store.load();
    EXPECT_EQ(loaded.networks.size(), 1u);
    EXPECT_EQ(loaded.errors.size(), 2u);
}
