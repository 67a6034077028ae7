// Docker's /events filters (moby daemon/events/filter.go), one kind at a time.
#include "events/event_filter.h"

#include <gtest/gtest.h>

namespace berth::events {
namespace {

const std::string kId = "4f2b1c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c";

Event container_event(const std::string &action = "start") {
    Event e;
    e.type = "container";
    e.action = action;
    e.actor_id = kId;
    e.attributes = {{"image", "busybox:latest"}, {"name", "web"}, {"com.example.tier", "front"}, {"solo", ""}};
    return e;
}

Event image_event(const std::string &action, const std::string &id, const std::string &name) {
    Event e;
    e.type = "image";
    e.action = action;
    e.actor_id = id;
    e.attributes = {{"name", name}};
    return e;
}

bool matches(const EventFilter::Values &v, const Event &e) { return EventFilter(v).matches(e); }

TEST(EventFilter, EmptyMatchesEverything) {
    EXPECT_TRUE(EventFilter().matches(container_event()));
    EXPECT_TRUE(EventFilter().empty());
}

TEST(EventFilter, AcceptedNamesAreDockers) {
    const auto &names = EventFilter::accepted_names();
    for (const char *n : {"container", "event", "image", "label", "type", "volume", "network", "plugin", "daemon",
                          "scope", "node", "service", "secret", "config"})
        EXPECT_TRUE(names.count(n)) << n;
    EXPECT_FALSE(names.count("until"));
    EXPECT_FALSE(names.count("name"));
}

TEST(EventFilter, Type) {
    EXPECT_TRUE(matches({{"type", {"container"}}}, container_event()));
    EXPECT_TRUE(matches({{"type", {"network", "container"}}}, container_event())); // values are alternatives
    EXPECT_FALSE(matches({{"type", {"image"}}}, container_event()));
}

TEST(EventFilter, ContainerByIdPrefixOrName) {
    EXPECT_TRUE(matches({{"container", {kId}}}, container_event()));
    EXPECT_TRUE(matches({{"container", {kId.substr(0, 12)}}}, container_event()));
    EXPECT_TRUE(matches({{"container", {"web"}}}, container_event()));
    EXPECT_FALSE(matches({{"container", {"other"}}}, container_event()));
    // A container filter leaves out events of other types (their actors differ).
    EXPECT_FALSE(matches({{"container", {"web"}}}, image_event("tag", "sha256:aa", "busybox:x")));
}

TEST(EventFilter, EventExactAndSuffixedActions) {
    EXPECT_TRUE(matches({{"event", {"start"}}}, container_event("start")));
    EXPECT_FALSE(matches({{"event", {"stop"}}}, container_event("start")));
    EXPECT_FALSE(matches({{"event", {"sta"}}}, container_event("start"))); // exact for plain actions
    EXPECT_TRUE(matches({{"event", {"exec_start"}}}, container_event("exec_start: sh -c ls")));
    EXPECT_TRUE(matches({{"event", {"exec_create"}}}, container_event("exec_create: ls")));
    EXPECT_TRUE(matches({{"event", {"health_status"}}}, container_event("health_status: healthy")));
    EXPECT_TRUE(matches({{"event", {"health_status: healthy"}}}, container_event("health_status: healthy")));
    EXPECT_FALSE(matches({{"event", {"exec_start"}}}, container_event("exec_die")));
}

TEST(EventFilter, ImageByAttributeOrActorWithAndWithoutTag) {
    EXPECT_TRUE(matches({{"image", {"busybox:latest"}}}, container_event()));
    EXPECT_TRUE(matches({{"image", {"busybox"}}}, container_event()));
    EXPECT_FALSE(matches({{"image", {"alpine"}}}, container_event()));
    const Event tag = image_event("tag", "sha256:1234", "busybox:mytag");
    EXPECT_TRUE(matches({{"image", {"sha256:1234"}}}, tag));
    EXPECT_TRUE(matches({{"image", {"busybox:mytag"}}}, tag));
    EXPECT_TRUE(matches({{"image", {"busybox"}}}, tag));
    EXPECT_FALSE(matches({{"image", {"busybox:other"}}}, tag));
    const Event pull = image_event("pull", "busybox:latest", "busybox");
    EXPECT_TRUE(matches({{"image", {"busybox"}}}, pull));
    EXPECT_TRUE(matches({{"image", {"docker.io/library/busybox:latest"}}}, pull) ||
                matches({{"image", {"busybox:latest"}}}, pull));
}

TEST(EventFilter, LabelKeyAndKeyValueAllRequired) {
    EXPECT_TRUE(matches({{"label", {"com.example.tier"}}}, container_event()));
    EXPECT_TRUE(matches({{"label", {"com.example.tier=front"}}}, container_event()));
    EXPECT_TRUE(matches({{"label", {"solo="}}}, container_event()));
    EXPECT_FALSE(matches({{"label", {"com.example.tier=back"}}}, container_event()));
    EXPECT_FALSE(matches({{"label", {"missing"}}}, container_event()));
    EXPECT_FALSE(matches({{"label", {"com.example.tier", "missing"}}}, container_event())); // AND, not OR
}

TEST(EventFilter, VolumeNetworkPluginDaemonByIdOrName) {
    Event vol;
    vol.type = "volume";
    vol.action = "create";
    vol.actor_id = "data";
    vol.attributes = {{"driver", "local"}};
    EXPECT_TRUE(matches({{"volume", {"data"}}}, vol));
    EXPECT_FALSE(matches({{"volume", {"logs"}}}, vol));
    Event net;
    net.type = "network";
    net.action = "connect";
    net.actor_id = "9a8b7c";
    net.attributes = {{"name", "backend"}, {"type", "bridge"}, {"container", kId}};
    EXPECT_TRUE(matches({{"network", {"backend"}}}, net));
    EXPECT_TRUE(matches({{"network", {"9a8b"}}}, net));
    EXPECT_FALSE(matches({{"network", {"frontend"}}}, net));
    Event plugin;
    plugin.type = "plugin";
    plugin.action = "reload";
    plugin.actor_id = "runc";
    plugin.attributes = {{"name", "runc"}};
    EXPECT_TRUE(matches({{"plugin", {"runc"}}}, plugin));
    EXPECT_FALSE(matches({{"plugin", {"crun"}}}, plugin));
    Event daemon;
    daemon.type = "daemon";
    daemon.action = "reload";
    daemon.actor_id = "engine-1";
    daemon.attributes = {{"name", "host"}};
    EXPECT_TRUE(matches({{"daemon", {"host"}}}, daemon));
    EXPECT_FALSE(matches({{"daemon", {"other"}}}, daemon));
}

TEST(EventFilter, ScopeAndSwarmKinds) {
    EXPECT_TRUE(matches({{"scope", {"local"}}}, container_event()));
    EXPECT_FALSE(matches({{"scope", {"swarm"}}}, container_event()));
    EXPECT_FALSE(matches({{"node", {"n1"}}}, container_event())); // no local event has a node
    EXPECT_FALSE(matches({{"service", {"s1"}}}, container_event()));
}

TEST(EventFilter, KeysCombineWithAnd) {
    EXPECT_TRUE(matches({{"type", {"container"}}, {"event", {"start"}}, {"container", {"web"}}}, container_event()));
    EXPECT_FALSE(matches({{"type", {"container"}}, {"event", {"stop"}}}, container_event()));
}

} // namespace
} // namespace berth::events
