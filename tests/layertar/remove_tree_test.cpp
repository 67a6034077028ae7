// remove_tree_test.cpp — fd-based removal: no symlink following, one file
// system, any depth.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace lt;

TEST(RemoveTree, DoesNotFollowSymlinks) {
    TempDir outside("outside");
    Canary canary(outside.path());
    TempDir holder("holder");
    fs::path tree = holder / "tree";
    fs::create_directories(tree / "sub");
    ASSERT_EQ(::symlink(outside.path().c_str(), (tree / "sub/link").c_str()), 0);
    ASSERT_EQ(::symlink(canary.path().c_str(), (tree / "file-link").c_str()), 0);
    layertar::remove_tree(tree);
    EXPECT_FALSE(exists_nofollow(tree));
    canary.check();

    // The root itself being a symlink: the link goes, not its target.
    ASSERT_EQ(::symlink(outside.path().c_str(), (holder / "root-link").c_str()), 0);
    layertar::remove_tree(holder / "root-link");
    EXPECT_FALSE(exists_nofollow(holder / "root-link"));
    canary.check();
}

TEST(RemoveTree, MissingIsFine) {
    TempDir holder("holder");
    EXPECT_NO_THROW(layertar::remove_tree(holder / "nothing"));
    EXPECT_NO_THROW(layertar::remove_tree(holder / "no/such/parent"));
    EXPECT_THROW(layertar::remove_tree("/"), layertar::LayerError);
    EXPECT_THROW(layertar::remove_tree(""), layertar::LayerError);
}

TEST(RemoveTree, RemovesTreesDeeperThanTheFdLimit) {
    TempDir holder("holder");
    // Built by fd, since the path soon exceeds PATH_MAX.
    int fd = ::open(holder.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (int i = 0; i < 5000; ++i) {
        ASSERT_EQ(::mkdirat(fd, "d", 0700), 0);
        int sub = ::openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_GE(sub, 0);
        if (i % 7 == 0) {
            int f = ::openat(sub, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            ::close(f);
        }
        ::close(fd);
        fd = sub;
    }
    ::close(fd);
    struct rlimit old_limit;
    ::getrlimit(RLIMIT_NOFILE, &old_limit);
    struct rlimit low = old_limit;
    low.rlim_cur = 64;
    ::setrlimit(RLIMIT_NOFILE, &low);
    EXPECT_NO_THROW(layertar::remove_tree(holder / "d"));
    ::setrlimit(RLIMIT_NOFILE, &old_limit);
    EXPECT_FALSE(exists_nofollow(holder / "d"));
}

TEST(RemoveTree, StaysOnOneFileSystem) {
    if (!is_root()) GTEST_SKIP() << "mount needs root";
    TempDir holder("holder");
    fs::create_directories(holder / "tree/a/mnt");
    write_file(holder / "tree/a/file", "x");
    write_file(holder / "tree/other", "y");
    if (::mount("none", (holder / "tree/a/mnt").c_str(), "tmpfs", 0, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount tmpfs here";
    write_file(holder / "tree/a/mnt/on-tmpfs", "keep me");
    try {
        layertar::remove_tree(holder / "tree");
        ADD_FAILURE() << "removed a tree holding a mount point";
    } catch (const layertar::LayerError &e) {
        EXPECT_EQ(e.code(), BERTH_E_BUSY) << e.what();
    }
    EXPECT_EQ(read_file(holder / "tree/a/mnt/on-tmpfs"), "keep me");
    EXPECT_FALSE(exists_nofollow(holder / "tree/a/file")) << "the rest is still removed";
    EXPECT_FALSE(exists_nofollow(holder / "tree/other"));
    ASSERT_EQ(::umount((holder / "tree/a/mnt").c_str()), 0);
    layertar::remove_tree(holder / "tree");
    EXPECT_FALSE(exists_nofollow(holder / "tree"));
}
