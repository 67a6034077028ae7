// populate_init_layer(rootfs, uid, gid): what it creates belongs to the
// container's root (the remap range's base under userns-remap); what the
// image already has keeps its owner. Chowning needs root: skips without it.
#include "containers/service/init_layer.h"

#include "../images/test_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>

namespace berth::containers {
namespace {

namespace fs = std::filesystem;
using Owner = std::pair<int64_t, int64_t>;

Owner owner_of(const fs::path &p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return {-1, -1};
    return {st.st_uid, st.st_gid};
}

class UsernsInitLayer : public ::testing::Test {
protected:
    images::test::TempDir tmp;
    fs::path rootfs = tmp.path() / "rootfs";
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "chown to other ids needs root";
        fs::create_directories(rootfs);
    }
};

TEST_F(UsernsInitLayer, CreatedEntriesBelongToTheContainersRoot) {
    populate_init_layer(rootfs.string(), 100000, 200000);
    for (const char *p : {"dev", "dev/pts", "dev/shm", "proc", "sys", ".dockerenv", "etc", "etc/resolv.conf",
                          "etc/hosts", "etc/hostname", "dev/console", "etc/mtab"}) {
        EXPECT_TRUE(fs::exists(fs::symlink_status(rootfs / p))) << p;
        EXPECT_EQ(owner_of(rootfs / p), (Owner{100000, 200000})) << p;
    }
    EXPECT_TRUE(fs::is_symlink(rootfs / "etc/mtab"));
    EXPECT_EQ(fs::read_symlink(rootfs / "etc/mtab"), "/proc/mounts");
    // The root directory itself is not the init layer's to give away.
    EXPECT_EQ(owner_of(rootfs), (Owner{0, 0}));
}

TEST_F(UsernsInitLayer, ExistingEntriesAreLeftAsTheyAre) {
    fs::create_directories(rootfs / "etc");
    fs::create_directories(rootfs / "proc");
    fs::create_directories(rootfs / "dev");
    images::test::write_all(rootfs / "etc/hosts", "127.0.0.1 image\n");
    fs::create_symlink("/proc/self/mounts", rootfs / "etc/mtab");
    ASSERT_EQ(::chown((rootfs / "etc").c_str(), 0, 0), 0);
    ASSERT_EQ(::chown((rootfs / "dev").c_str(), 7, 8), 0);
    ASSERT_EQ(::chown((rootfs / "etc/hosts").c_str(), 12, 34), 0);
    ASSERT_EQ(::lchown((rootfs / "etc/mtab").c_str(), 56, 78), 0);

    populate_init_layer(rootfs.string(), 100000, 200000);

    EXPECT_EQ(owner_of(rootfs / "etc"), (Owner{0, 0}));
    EXPECT_EQ(owner_of(rootfs / "proc"), (Owner{0, 0}));
    EXPECT_EQ(owner_of(rootfs / "dev"), (Owner{7, 8}));
    EXPECT_EQ(owner_of(rootfs / "etc/hosts"), (Owner{12, 34}));
    EXPECT_EQ(images::test::read_all(rootfs / "etc/hosts"), "127.0.0.1 image\n");
    EXPECT_EQ(owner_of(rootfs / "etc/mtab"), (Owner{56, 78}));
    EXPECT_EQ(fs::read_symlink(rootfs / "etc/mtab"), "/proc/self/mounts");
    // Inside existing directories, the missing entries are still the container root's.
    for (const char *p : {"dev/pts", "dev/shm", "dev/console", "sys", ".dockerenv", "etc/resolv.conf",
                          "etc/hostname"})
        EXPECT_EQ(owner_of(rootfs / p), (Owner{100000, 200000})) << p;
}

TEST_F(UsernsInitLayer, ASecondRunChangesNothing) {
    populate_init_layer(rootfs.string(), 100000, 200000);
    ASSERT_EQ(::chown((rootfs / "etc/hostname").c_str(), 1, 2), 0);
    populate_init_layer(rootfs.string(), 300000, 300000);
    EXPECT_EQ(owner_of(rootfs / "etc/hostname"), (Owner{1, 2}));
    EXPECT_EQ(owner_of(rootfs / "dev/pts"), (Owner{100000, 200000}));
}

TEST_F(UsernsInitLayer, WithoutAMapEverythingIsRoots) {
    populate_init_layer(rootfs.string());
    for (const char *p : {"dev/pts", "proc", ".dockerenv", "etc/hosts", "dev/console", "etc/mtab"})
        EXPECT_EQ(owner_of(rootfs / p), (Owner{0, 0})) << p;
}

TEST_F(UsernsInitLayer, AnOwnerWithOnlyANonZeroGidIsApplied) {
    populate_init_layer(rootfs.string(), 0, 5);
    EXPECT_EQ(owner_of(rootfs / "etc/hosts"), (Owner{0, 5}));
}

} // namespace
} // namespace berth::containers
