#include "containers/store/container_record.h"
#include "containers/store/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::containers;
using namespace std::chrono;

namespace {
const TimePoint kT0 = TimePoint(seconds(1'700'000'000));

Container fresh() {
    Container c;
    c.id = std::string(64, 'a');
    c.name = "/web";
    c.created = kT0;
    return c;
}

template <typename F> std::string conflict_message(F &&f) {
    try {
        f();
    } catch (const Conflict &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        return e.what();
    }
    ADD_FAILURE() << "no Conflict thrown";
    return {};
}
} // namespace

TEST(ContainerState, CreatedRunningExitedLifecycle) {
    Container c = fresh();
    EXPECT_EQ(c.state.status(), "created");
    EXPECT_EQ(c.state.status_text(kT0 + seconds(3)), "Created");
    c.set_running(42, kT0);
    EXPECT_EQ(c.state.status(), "running");
    EXPECT_EQ(c.state.pid, 42);
    EXPECT_EQ(c.state.status_text(kT0 + minutes(5)), "Up 5 minutes");
    c.set_stopped(0, kT0 + minutes(10));
    EXPECT_EQ(c.state.status(), "exited");
    EXPECT_EQ(c.state.pid, 0);
    EXPECT_EQ(c.state.status_text(kT0 + minutes(10) + seconds(3)), "Exited (0) 3 seconds ago");
    c.set_running(43, kT0 + hours(1));
    EXPECT_EQ(c.state.status(), "running");
    EXPECT_EQ(c.state.exit_code, 0);
}

TEST(ContainerState, StartOfRunningContainerIsAlreadyInState) {
    Container c = fresh();
    c.set_running(1, kT0);
    EXPECT_THROW(c.set_running(2, kT0), AlreadyInState);
    EXPECT_EQ(conflict_message([&] { c.set_running(2, kT0); }), "Container is already started");
    EXPECT_EQ(c.state.pid, 1);
}

TEST(ContainerState, PauseAndUnpause) {
    Container c = fresh();
    EXPECT_EQ(conflict_message([&] { c.set_paused(); }), "Container " + c.id + " is not running");
    EXPECT_EQ(conflict_message([&] { c.set_unpaused(); }), "Container " + c.id + " is not paused");
    c.set_running(1, kT0);
    c.set_paused();
    EXPECT_EQ(c.state.status(), "paused");
    EXPECT_EQ(c.state.status_text(kT0 + minutes(2)), "Up 2 minutes (Paused)");
    EXPECT_EQ(conflict_message([&] { c.set_paused(); }), "Container " + c.id + " is already paused");
    EXPECT_EQ(conflict_message([&] { c.set_running(5, kT0); }), "cannot start a paused container, try unpause instead");
    c.set_unpaused();
    EXPECT_EQ(c.state.status(), "running");
}

TEST(ContainerState, RestartingCountsAndShows) {
    Container c = fresh();
    c.set_running(1, kT0);
    c.set_restarting(1, kT0 + seconds(10));
    EXPECT_EQ(c.restart_count, 1);
    EXPECT_EQ(c.state.status(), "restarting");
    EXPECT_EQ(c.state.status_text(kT0 + seconds(12)), "Restarting (1) 2 seconds ago");
    EXPECT_EQ(conflict_message([&] { c.set_paused(); }),
              "Container " + c.id + " is restarting, wait until the container is running");
    c.set_running(2, kT0 + seconds(13)); // the restart itself is allowed
    EXPECT_EQ(c.state.status(), "running");
}

TEST(ContainerState, StopOfStoppedIsConflict) {
    Container c = fresh();
    EXPECT_EQ(conflict_message([&] { c.set_stopped(0, kT0); }), "Container " + c.id + " is not running");
}

TEST(ContainerState, RemovalRules) {
    Container c = fresh();
    c.set_running(1, kT0);
    EXPECT_EQ(conflict_message([&] { c.begin_removal(false); }),
              "cannot remove container \"/web\": container is running: stop the container before removing or force remove");
    c.begin_removal(true);
    EXPECT_EQ(c.state.status(), "running"); // still running until killed
    c.set_stopped(137, kT0 + seconds(1));
    EXPECT_EQ(c.state.status(), "removing");
    EXPECT_EQ(c.state.status_text(kT0 + seconds(2)), "Removal In Progress");
    EXPECT_EQ(conflict_message([&] { c.begin_removal(true); }),
              "removal of container " + c.id + " is already in progress");
    EXPECT_EQ(conflict_message([&] { c.set_running(1, kT0); }),
              "container is marked for removal and cannot be started");
    c.set_dead();
    EXPECT_EQ(c.state.status(), "dead");
    EXPECT_EQ(c.state.status_text(kT0 + seconds(2)), "Dead");
    EXPECT_EQ(conflict_message([&] { c.set_running(1, kT0); }),
              "container is marked for removal and cannot be started");
}

TEST(ContainerState, HealthInStatusText) {
    Container c = fresh();
    c.set_running(1, kT0);
    c.state.health = HealthState{"starting", 0};
    EXPECT_EQ(c.state.status_text(kT0 + seconds(30)), "Up 30 seconds (health: starting)");
    c.state.health = HealthState{"healthy", 0};
    EXPECT_EQ(c.state.status_text(kT0 + hours(1)), "Up About an hour (healthy)");
}

TEST(ContainerState, StartErrorLeavesItStopped) {
    Container c = fresh();
    c.set_start_error("exec: \"nope\": executable file not found in $PATH", 127);
    EXPECT_EQ(c.state.status(), "created");
    EXPECT_EQ(c.state.exit_code, 127);
    EXPECT_FALSE(c.state.running);
}

TEST(ContainerRecord, JsonRoundTrip) {
    Container c = fresh();
    c.path = "sh";
    c.args = {"-c", "echo hi"};
    c.config_json = R"({"Image":"busybox","Labels":{"a":"1"}})";
    c.host_config_json = R"({"NetworkMode":"none"})";
    c.image = "sha256:" + std::string(64, 'b');
    c.image_name = "busybox";
    c.driver = "overlay2";
    c.rw_layer = std::string(64, 'c');
    c.restart_count = 3;
    c.mount_points.push_back(MountPoint{"/src", "/dst", "ro", false, "", "", "bind", "rprivate"});
    c.hostname_path = "/x/hostname";
    c.hosts_path = "/x/hosts";
    c.resolv_conf_path = "/x/resolv.conf";
    c.log_path = "/x/x-json.log";
    c.set_running(7, kT0 + nanoseconds(123456789));
    c.state.health = HealthState{"healthy", 2};
    c.set_stopped(3, kT0 + seconds(5), "boom", true);

    const std::string text = container_to_json(c);
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["State"]["Status"], "exited");
    EXPECT_EQ(j["Config"]["Image"], "busybox"); // embedded as an object, like dockerd's file
    EXPECT_EQ(j["Created"], "2023-11-14T22:13:20Z");
    EXPECT_EQ(j["State"]["StartedAt"], "2023-11-14T22:13:20.123456789Z");

    Container back = container_from_json(text);
    EXPECT_EQ(back.id, c.id);
    EXPECT_EQ(back.name, c.name);
    EXPECT_EQ(back.created, c.created);
    EXPECT_EQ(back.args, c.args);
    EXPECT_EQ(back.labels().at("a"), "1");
    EXPECT_EQ(nlohmann::json::parse(back.host_config_json), nlohmann::json::parse(c.host_config_json));
    EXPECT_EQ(back.image, c.image);
    EXPECT_EQ(back.image_name, "busybox");
    EXPECT_EQ(back.rw_layer, c.rw_layer);
    EXPECT_EQ(back.restart_count, 3);
    ASSERT_EQ(back.mount_points.size(), 1u);
    EXPECT_EQ(back.mount_points[0].source, "/src");
    EXPECT_FALSE(back.mount_points[0].rw);
    EXPECT_EQ(back.log_path, c.log_path);
    EXPECT_EQ(back.state.started_at, c.state.started_at);
    EXPECT_EQ(back.state.finished_at, c.state.finished_at);
    EXPECT_EQ(back.state.exit_code, 3);
    EXPECT_EQ(back.state.error, "boom");
    EXPECT_TRUE(back.state.oom_killed);
    ASSERT_TRUE(back.state.health);
    EXPECT_EQ(back.state.health->failing_streak, 2);
}

TEST(ContainerRecord, ZeroTimesUseGosZeroTime) {
    Container c = fresh();
    auto j = nlohmann::json::parse(container_to_json(c));
    EXPECT_EQ(j["State"]["StartedAt"], "0001-01-01T00:00:00Z");
    EXPECT_EQ(container_from_json(j.dump()).state.started_at, TimePoint{});
}

TEST(ContainerRecord, MalformedIsInternalError) {
    EXPECT_THROW(container_from_json("{"), InternalError);
    EXPECT_THROW(container_from_json("{}"), InternalError);
}
