// Options volumes against the real kernel: a tmpfs volume is mounted on
// first use and unmounted after the last user; a bind volume's removal
// never deletes the host directory; a restart notices a volume that is
// still mounted. Needs root (mount(2)); skipped with a message otherwise.
#include "volumes/volume_mount.h"
#include "volumes/volume_service.h"

#include "test_dir.h"

#include <sys/stat.h>
#include <sys/statfs.h>

#include <gtest/gtest.h>

#include <fstream>

#include <linux/magic.h>

using namespace berth::volumes;
namespace fs = std::filesystem;

namespace {

bool is_tmpfs(const fs::path &p) {
    struct statfs st{};
    return ::statfs(p.c_str(), &st) == 0 && st.f_type == TMPFS_MAGIC;
}

#define REQUIRE_ROOT()                                                                                        \
    if (!running_as_root()) GTEST_SKIP() << "mount(2) needs root; run this suite as root to cover it"

const StringMap kTmpfs = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=4m,uid=1234,mode=0710"}};

} // namespace

TEST(VolumeMount, TmpfsVolumeIsMountedOnFirstUseAndUnmountedAfterTheLast) {
    REQUIRE_ROOT();
    TestDir dir;
    VolumeService svc(dir.path());
    const auto v = svc.ensure("scratch", "local", std::nullopt, kTmpfs);
    EXPECT_FALSE(is_mount_point(v.mountpoint)); // creation mounts nothing
    EXPECT_FALSE(svc.is_mounted("scratch"));

    const auto path = svc.acquire("scratch", "c1");
    EXPECT_TRUE(is_mount_point(path));
    EXPECT_TRUE(is_tmpfs(path));
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1234u); // the `o` data reached the filesystem
    EXPECT_EQ(st.st_mode & 07777, 0710u);

    svc.acquire("scratch", "c2"); // second user: no second mount
    size_t count = 0;
    for (const auto &m : mount_points()) count += m == path;
    EXPECT_EQ(count, 1u);

    svc.release("scratch", "c1");
    EXPECT_TRUE(is_mount_point(path));
    svc.release("scratch", "c2");
    EXPECT_FALSE(is_mount_point(path));
    EXPECT_FALSE(svc.is_mounted("scratch"));
}

TEST(VolumeMount, AMountFailureReportsDockersTextAndLeavesNothingMounted) {
    REQUIRE_ROOT();
    TestDir dir;
    VolumeService svc(dir.path());
    svc.ensure("badfs", "local", std::nullopt, StringMap{{"type", "no-such-fs"}, {"device", "x"}});
    try {
        svc.acquire("badfs", "c1");
        FAIL() << "mount of an unknown filesystem type succeeded";
    } catch (const std::exception &e) {
        EXPECT_EQ(std::string(e.what()).rfind("failed to mount local volume: mount x:", 0), 0u) << e.what();
    }
    EXPECT_FALSE(svc.is_mounted("badfs"));
    EXPECT_TRUE(svc.active_users("badfs").empty());
}

TEST(VolumeMount, RemovingABindVolumeKeepsTheHostDirectory) {
    REQUIRE_ROOT();
    TestDir dir;
    const fs::path host = dir.path() / "host-data";
    fs::create_directories(host);
    std::ofstream(host / "precious") << "keep me";
    const StringMap bind = {{"type", "none"}, {"device", host.string()}, {"o", "bind"}};
    fs::path path;
    {
        VolumeService svc(dir.path());
        svc.ensure("bound", "local", std::nullopt, bind);
        path = svc.acquire("bound", "c1");
        EXPECT_TRUE(fs::exists(path / "precious"));
    } // the daemon dies with the bind still mounted
    ASSERT_TRUE(is_mount_point(path));
    // Nobody adopts it; removal must unmount before deleting the tree.
    VolumeService svc(dir.path());
    svc.remove("bound", false);
    EXPECT_TRUE(fs::exists(host / "precious"));
    EXPECT_FALSE(fs::exists(dir.path() / "volumes" / "bound"));
    EXPECT_FALSE(is_mount_point(path));
}

TEST(VolumeMount, ReadOnlyBindIsReallyReadOnly) {
    REQUIRE_ROOT();
    TestDir dir;
    const fs::path host = dir.path() / "src";
    fs::create_directories(host);
    VolumeService svc(dir.path());
    svc.ensure("robind", "local", std::nullopt, StringMap{{"type", "none"}, {"device", host.string()}, {"o", "bind,ro"}});
    const auto path = svc.acquire("robind", "c1");
    std::ofstream probe(path / "new-file");
    EXPECT_FALSE(probe.good());
    EXPECT_FALSE(fs::exists(host / "new-file"));
    svc.release("robind", "c1");
}

TEST(VolumeMount, ARestartSeesTheMountAndDoesNotMountTwice) {
    REQUIRE_ROOT();
    TestDir dir;
    fs::path path;
    {
        VolumeService svc(dir.path());
        svc.ensure("survivor", "local", std::nullopt, kTmpfs);
        path = svc.acquire("survivor", "live1");
        std::ofstream(path / "state") << "running";
    } // the daemon goes away (as with kill -9); the mount stays
    ASSERT_TRUE(is_mount_point(path));

    VolumeService svc(dir.path());
    EXPECT_TRUE(svc.is_mounted("survivor"));
    svc.adopt("survivor", "live1", true);
    svc.unmount_idle(); // it has an active user: stays
    EXPECT_TRUE(is_mount_point(path));
    EXPECT_EQ(svc.acquire("survivor", "live1"), path);
    size_t count = 0;
    for (const auto &m : mount_points()) count += m == path;
    EXPECT_EQ(count, 1u);
    EXPECT_TRUE(fs::exists(path / "state")); // the same tmpfs, not a fresh one
    svc.release("survivor", "live1");
    EXPECT_FALSE(is_mount_point(path));
}

TEST(VolumeMount, UnmountIdleTakesDownMountsNobodyAdopted) {
    REQUIRE_ROOT();
    TestDir dir;
    fs::path path;
    {
        VolumeService svc(dir.path());
        svc.ensure("orphan", "local", std::nullopt, kTmpfs);
        path = svc.acquire("orphan", "gone");
    }
    VolumeService svc(dir.path());
    ASSERT_TRUE(svc.is_mounted("orphan"));
    svc.unmount_idle();
    EXPECT_FALSE(is_mount_point(path));
    EXPECT_FALSE(svc.is_mounted("orphan"));
}

TEST(VolumeMount, MountinfoEscapesAreDecoded) {
    REQUIRE_ROOT();
    TestDir dir;
    const fs::path odd = dir.path() / "with space";
    fs::create_directories(odd);
    ASSERT_EQ(::mount("tmpfs", odd.c_str(), "tmpfs", 0, "size=1m"), 0);
    EXPECT_TRUE(is_mount_point(odd));
    const auto under = mounts_under(dir.path());
    ASSERT_EQ(under.size(), 1u);
    EXPECT_EQ(under[0], odd);
    unmount_volume(odd);
    EXPECT_FALSE(is_mount_point(odd));
}
