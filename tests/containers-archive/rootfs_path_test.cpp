// Container paths: moby's cleaning rules, and resolution that never leaves
// the rootfs however the container's symlinks point.
#include "containers/archive/rootfs_path.h"
#include "rootfs_fixture.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <system_error>

namespace berth::containers::archive {
namespace {

TEST(ContainerPath, KeepsTrailingSlashAndDot) {
    struct Case {
        const char *in, *abs, *dir, *base, *name;
    };
    for (const auto &c :
         {Case{"/etc/hostname", "/etc/hostname", "/etc/", "hostname", "hostname"},
          Case{"etc/hostname", "/etc/hostname", "/etc/", "hostname", "hostname"},
          Case{"/dir/", "/dir/", "/dir/", "", "dir"}, Case{"/dir/.", "/dir/.", "/dir/", ".", "."},
          Case{"/dir/./", "/dir/./", "/dir/./", "", "."}, // Go keeps both
          Case{"/", "/", "/", "", "/"}, Case{".", "/.", "/", ".", "."}, Case{"/a/../../b//c", "/b/c", "/b/", "c", "c"},
          Case{"/../../etc", "/etc", "/", "etc", "etc"}}) {
        const auto p = parse_container_path(c.in);
        EXPECT_EQ(p.abs, c.abs) << c.in;
        EXPECT_EQ(p.dir, c.dir) << c.in;
        EXPECT_EQ(p.base, c.base) << c.in;
        EXPECT_EQ(p.display_name(), c.name) << c.in;
    }
}

class RootfsPathTest : public ::testing::Test {
protected:
    test::RootfsFixture fx;
    UniqueFd root = open_root(fx.rootfs().string());

    // The host path an fd ended up at.
    static std::string where(int fd) {
        return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
    }
};

TEST_F(RootfsPathTest, TheLastElementIsNotFollowed) {
    const auto r = resolve_no_follow(root.get(), parse_container_path("/link"));
    EXPECT_TRUE(S_ISLNK(r.st.st_mode));
    EXPECT_EQ(r.name, "link");
    EXPECT_EQ(where(r.parent.get()), fx.rootfs().string());
}

TEST_F(RootfsPathTest, ATrailingSlashFollowsTheLastElement) {
    const auto r = resolve_no_follow(root.get(), parse_container_path("/link/"));
    EXPECT_TRUE(r.is_dir());
    EXPECT_EQ(r.name, "");
    EXPECT_EQ(where(r.parent.get()), (fx.rootfs() / "dir").string());
}

TEST_F(RootfsPathTest, SymlinksToTheHostRootStayInTheRootfs) {
    // "/evil -> /": /evil/etc/passwd is the container's passwd, not the host's.
    const auto r = resolve_no_follow(root.get(), parse_container_path("/evil/etc/passwd"));
    EXPECT_EQ(where(r.parent.get()), (fx.rootfs() / "etc").string());
    // "-> ../../../host" and "-> ../host" are clamped at the rootfs: no such
    // path inside it, although a naive join would reach the host directory.
    for (const char *p : {"/escape/secret", "/up/secret"}) {
        try {
            resolve_no_follow(root.get(), parse_container_path(p));
            ADD_FAILURE() << p << " resolved";
        } catch (const std::system_error &e) {
            EXPECT_EQ(e.code().value(), ENOENT) << p;
        }
    }
}

TEST_F(RootfsPathTest, DotDotCannotClimbOutOfTheRoot) {
    const auto fd = open_in_root(root.get(), "../../../../etc/passwd", O_RDONLY);
    EXPECT_EQ(where(fd.get()), (fx.rootfs() / "etc/passwd").string());
}

TEST_F(RootfsPathTest, FollowInScopeGivesContainerPaths) {
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/link"), "/dir");
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/abslink/sub"), "/dir/sub");
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/evil"), "/");
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/escape"), "/host");
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/dangling"), "/nowhere/file");
    EXPECT_EQ(follow_symlinks_in_scope(root.get(), "/evil/evil/link/a"), "/dir/a");
}

TEST_F(RootfsPathTest, SymlinkLoopsEnd) {
    std::filesystem::create_symlink("loop", fx.rootfs() / "loop");
    try {
        follow_symlinks_in_scope(root.get(), "/loop");
        ADD_FAILURE() << "a symlink loop resolved";
    } catch (const std::system_error &e) {
        EXPECT_EQ(e.code().value(), ELOOP);
    }
}

} // namespace
} // namespace berth::containers::archive
