// A container's user mounts planned from HostConfig.Binds (-v), Mounts
// (--mount), Tmpfs and the image's VOLUME entries, with dockerd's error
// wording (moby volume/mounts: linux_parser.go, validate.go; daemon
// registerMountPoints for duplicates).
#include "containers/service/mount_plan.h"
#include "containers/store/errors.h"

#include "error_text.h"
#include "scratch_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace berth::containers;
using berth::test::error_text;
using berth::test::ScratchDir;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

PlannedMounts plan_binds(const std::vector<std::string> &binds, const std::vector<std::string> &image_volumes = {}) {
    return plan_mounts(json{{"Binds", binds}}.dump(), image_volumes);
}

PlannedMounts plan_mount(const json &mount) {
    json hc = json::object();
    hc["Mounts"] = json::array({mount});
    return plan_mounts(hc.dump(), {});
}

std::string binds_error(const std::vector<std::string> &binds) {
    return error_text<InvalidArgument>([&] { plan_binds(binds); });
}

std::string mount_error(const json &mount) {
    return error_text<InvalidArgument>([&] { plan_mount(mount); });
}

std::string hc_error(const json &hc) {
    return error_text<InvalidArgument>([&] { plan_mounts(hc.dump(), {}); });
}

class MountPlanTest : public testing::Test {
protected:
    ScratchDir dir;
    std::string src() const { return dir.path().string(); }
};

} // namespace

// ---- -v (HostConfig.Binds) ----

TEST_F(MountPlanTest, BindWithMode) {
    const auto plan = plan_binds({src() + ":/data:ro"});
    ASSERT_EQ(plan.points.size(), 1u);
    const auto &m = plan.points[0];
    EXPECT_EQ(m.type, "bind");
    EXPECT_EQ(m.source, src());
    EXPECT_EQ(m.destination, "/data");
    EXPECT_FALSE(m.rw);
    EXPECT_EQ(m.rw_mode, "ro");
    EXPECT_EQ(m.propagation, "rprivate"); // dockerd's default for binds
    EXPECT_TRUE(m.name.empty());
    EXPECT_TRUE(plan.tmpfs.empty());
}

TEST_F(MountPlanTest, BindPropagationAndLabelModes) {
    const auto plan = plan_binds({src() + ":/a:rshared", src() + ":/b:z,ro"});
    ASSERT_EQ(plan.points.size(), 2u);
    EXPECT_EQ(plan.points[0].propagation, "rshared");
    EXPECT_TRUE(plan.points[0].rw);
    EXPECT_EQ(plan.points[1].propagation, "rprivate");
    EXPECT_FALSE(plan.points[1].rw);
}

TEST_F(MountPlanTest, BindPathsAreCleaned) {
    const auto plan = plan_binds({src() + "/./:/a/b/../c/"});
    ASSERT_EQ(plan.points.size(), 1u);
    EXPECT_EQ(plan.points[0].source, src());
    EXPECT_EQ(plan.points[0].destination, "/a/c");
}

TEST_F(MountPlanTest, MissingBindSourceIsCreatedAsDockerdDoes) {
    const fs::path missing = dir.path() / "not" / "yet";
    const auto plan = plan_binds({missing.string() + ":/data"});
    ASSERT_EQ(plan.points.size(), 1u);
    EXPECT_TRUE(fs::is_directory(missing));
}

TEST_F(MountPlanTest, NamedAndAnonymousVolumes) {
    const auto plan = plan_binds({"cache:/cache:ro", "/anon"});
    ASSERT_EQ(plan.points.size(), 2u);
    const auto &named = plan.points[0];
    EXPECT_EQ(named.type, "volume");
    EXPECT_EQ(named.name, "cache");
    EXPECT_EQ(named.driver, "local");
    EXPECT_TRUE(named.source.empty());
    EXPECT_TRUE(named.propagation.empty()); // volumes carry none
    EXPECT_FALSE(named.rw);
    const auto &anon = plan.points[1];
    EXPECT_EQ(anon.type, "volume");
    EXPECT_TRUE(anon.name.empty()); // ensure() names it
    EXPECT_EQ(anon.destination, "/anon");
    EXPECT_TRUE(anon.rw);
}

TEST_F(MountPlanTest, BindSpecErrorsUseDockerWording) {
    EXPECT_EQ(binds_error({"data:rel"}), "invalid volume specification: 'data:rel': invalid mount config for type "
                                         "\"volume\": invalid mount path: 'rel' mount path must be absolute");
    EXPECT_EQ(binds_error({src() + ":/"}), "invalid volume specification: '" + src() +
                                                ":/': invalid mount config for type \"bind\": invalid specification: "
                                                "destination can't be '/'");
    EXPECT_EQ(binds_error({"/a:/b:ro:x"}), "invalid volume specification: '/a:/b:ro:x'");
    EXPECT_EQ(binds_error({":/dst"}), "invalid volume specification: ':/dst'");
    EXPECT_EQ(binds_error({src() + ":/dst:bogus"}), "invalid mode: bogus");
}

// moby's errInvalidMode names the whole mode string, and linuxValidMountMode refuses two options of
// one kind (ro and rw).
TEST_F(MountPlanTest, InvalidModeNamesTheWholeMode) {
    EXPECT_EQ(binds_error({src() + ":/dst:ro,bogus"}), "invalid mode: ro,bogus");
    EXPECT_EQ(binds_error({src() + ":/dst:ro,rw"}), "invalid mode: ro,rw");
}

// moby refuses "dst:mode" (a destination with a mode but no source) as "invalid volume specification:
// '/foo:rw'".
TEST_F(MountPlanTest, DestinationWithModeButNoSource) {
    EXPECT_EQ(binds_error({"/foo:rw"}), "invalid volume specification: '/foo:rw'");
}

// ---- --mount (HostConfig.Mounts) ----

TEST_F(MountPlanTest, MountBind) {
    const auto plan = plan_mount({{"Type", "bind"}, {"Source", src()}, {"Target", "/data/"}, {"ReadOnly", true},
                                  {"BindOptions", {{"Propagation", "rslave"}}}});
    ASSERT_EQ(plan.points.size(), 1u);
    const auto &m = plan.points[0];
    EXPECT_EQ(m.type, "bind");
    EXPECT_EQ(m.source, src());
    EXPECT_EQ(m.destination, "/data");
    EXPECT_FALSE(m.rw);
    EXPECT_EQ(m.rw_mode, "ro");
    EXPECT_EQ(m.propagation, "rslave");
}

TEST_F(MountPlanTest, MountVolumeWithOptions) {
    const auto plan = plan_mount({{"Type", "volume"},
                                  {"Source", "vol1"},
                                  {"Target", "/v"},
                                  {"VolumeOptions", {{"NoCopy", true}, {"DriverConfig", {{"Name", "other"}}}}}});
    ASSERT_EQ(plan.points.size(), 1u);
    const auto &m = plan.points[0];
    EXPECT_EQ(m.type, "volume");
    EXPECT_EQ(m.name, "vol1");
    EXPECT_EQ(m.driver, "other");
    EXPECT_NE(m.rw_mode.find("nocopy"), std::string::npos);
    EXPECT_TRUE(m.rw);
}

TEST_F(MountPlanTest, MountErrorsUseDockerWording) {
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Source", "/nonexistent-berth-svctest"}, {"Target", "/d"}}),
              "invalid mount config for type \"bind\": bind source path does not exist: /nonexistent-berth-svctest");
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Source", "rel"}, {"Target", "/d"}}),
              "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Source", src()}}),
              "invalid mount config for type \"bind\": field Target must not be empty");
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Target", "/d"}}),
              "invalid mount config for type \"bind\": field Source must not be empty");
    EXPECT_EQ(mount_error({{"Type", "volume"}, {"Source", "v"}, {"Target", "rel"}}),
              "invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute");
    EXPECT_EQ(mount_error({{"Type", "tmpfs"}, {"Source", "x"}, {"Target", "/t"}}),
              "invalid mount config for type \"tmpfs\": field Source must not be specified");
}

// moby wraps an unknown type like every other mount error (errMountConfig: `invalid mount config for
// type "foo": mount type unknown`).
TEST_F(MountPlanTest, UnknownMountTypeWording) {
    EXPECT_EQ(mount_error({{"Type", "foo"}, {"Source", "x"}, {"Target", "/d"}}),
              "invalid mount config for type \"foo\": mount type unknown");
}

// checks moby's validateMountConfigImpl makes that mount_plan.cpp skips: a Target of "/", an unknown
// bind propagation, and a read-only anonymous volume are all accepted here.
TEST_F(MountPlanTest, MountChecksMobyMakes) {
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Source", src()}, {"Target", "/"}}),
              "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
    EXPECT_EQ(mount_error({{"Type", "bind"},
                           {"Source", src()},
                           {"Target", "/d"},
                           {"BindOptions", {{"Propagation", "bogus"}}}}),
              "invalid mount config for type \"bind\": invalid propagation mode: bogus");
    EXPECT_EQ(mount_error({{"Type", "volume"}, {"Target", "/d"}, {"ReadOnly", true}}),
              "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
}

TEST_F(MountPlanTest, MountTmpfsOptions) {
    const auto plan = plan_mount({{"Type", "tmpfs"},
                                  {"Target", "/t"},
                                  {"ReadOnly", true},
                                  {"TmpfsOptions", {{"SizeBytes", 64 * 1024 * 1024}, {"Mode", 01777}}}});
    EXPECT_TRUE(plan.points.empty());
    ASSERT_EQ(plan.tmpfs.count("/t"), 1u);
    const std::string opts = "," + plan.tmpfs.at("/t") + ",";
    EXPECT_NE(opts.find(",mode=1777,"), std::string::npos) << opts;
    EXPECT_NE(opts.find(",ro,"), std::string::npos) << opts;
    EXPECT_TRUE(opts.find(",size=67108864,") != std::string::npos || opts.find(",size=64m,") != std::string::npos)
        << opts;
}

// moby's ConvertTmpfsOptions writes "ro", then the mode, then the size in its largest exact unit
// (runtime-defaults.md §2.3).
TEST_F(MountPlanTest, MountTmpfsOptionsInDockerForm) {
    const auto plan = plan_mount({{"Type", "tmpfs"},
                                  {"Target", "/t"},
                                  {"ReadOnly", true},
                                  {"TmpfsOptions", {{"SizeBytes", 64 * 1024 * 1024}, {"Mode", 01777}}}});
    EXPECT_EQ(plan.tmpfs.at("/t"), "ro,mode=1777,size=64m");
}

// ---- --tmpfs (HostConfig.Tmpfs) ----

TEST_F(MountPlanTest, TmpfsMap) {
    const auto plan = plan_mounts(json{{"Tmpfs", {{"/run/", "size=1m"}, {"/tmp", ""}}}}.dump(), {});
    EXPECT_TRUE(plan.points.empty());
    ASSERT_EQ(plan.tmpfs.size(), 2u);
    EXPECT_EQ(plan.tmpfs.at("/run"), "size=1m");
    EXPECT_EQ(plan.tmpfs.at("/tmp"), "");
    EXPECT_EQ(hc_error({{"Tmpfs", {{"run", ""}}}}), "invalid mount path: 'run' mount path must be absolute");
}

// moby's ValidateTmpfsMountDestination refuses "/" ("invalid specification: destination can't be
// '/'").
TEST_F(MountPlanTest, TmpfsAtRootIsRefused) {
    EXPECT_EQ(hc_error({{"Tmpfs", {{"/", ""}}}}), "invalid specification: destination can't be '/'");
}

// ---- duplicates and the image's VOLUMEs ----

TEST_F(MountPlanTest, DuplicateDestinationsAreRefused) {
    EXPECT_EQ(binds_error({src() + ":/data", "vol:/data/"}), "Duplicate mount point: /data");
    EXPECT_EQ(hc_error({{"Binds", {src() + ":/data"}},
                        {"Mounts", {{{"Type", "volume"}, {"Source", "v"}, {"Target", "/data"}}}}}),
              "Duplicate mount point: /data");
    EXPECT_EQ(hc_error({{"Tmpfs", {{"/data", ""}}}, {"Binds", {src() + ":/data"}}}),
              "Duplicate mount point: /data");
    EXPECT_EQ(hc_error({{"Tmpfs", {{"/data", ""}}}, {"Mounts", {{{"Type", "tmpfs"}, {"Target", "/data"}}}}}),
              "Duplicate mount point: /data");
}

TEST_F(MountPlanTest, ImageVolumesGetAnonymousVolumesUnlessCovered) {
    const auto plan = plan_mounts(json{{"Binds", {src() + ":/covered"}}, {"Tmpfs", {{"/scratch", ""}}}}.dump(),
                                  {"/covered/", "/scratch", "/var/lib/data"});
    ASSERT_EQ(plan.points.size(), 2u);
    EXPECT_EQ(plan.points[0].type, "bind"); // the user's mount wins
    EXPECT_EQ(plan.points[0].destination, "/covered");
    const auto &v = plan.points[1];
    EXPECT_EQ(v.type, "volume");
    EXPECT_EQ(v.destination, "/var/lib/data");
    EXPECT_TRUE(v.name.empty());
    EXPECT_EQ(v.driver, "local");
    EXPECT_TRUE(v.rw);
}

TEST_F(MountPlanTest, BindsForSpec) {
    const auto plan = plan_binds({src() + ":/b:ro", "named:/n"});
    std::vector<std::string> resolved;
    const auto binds = binds_for_spec(plan.points, [&](const MountPoint &m) {
        resolved.push_back(m.name);
        return "/volumes/" + m.name + "/_data";
    });
    EXPECT_EQ(resolved, std::vector<std::string>{"named"}); // binds are not resolved
    EXPECT_EQ(binds, (std::vector<std::string>{src() + ":/b:ro,rprivate", "/volumes/named/_data:/n:rw"}));
}
