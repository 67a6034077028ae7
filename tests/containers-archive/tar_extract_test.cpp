// Extraction into a container: hostile tars and hostile containers. The
// host directory beside the rootfs must come out of every case untouched.
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tar_extract.h"
#include "rootfs_fixture.h"
#include "tar_fixture.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>

namespace berth::containers::archive {
namespace {

namespace fs = std::filesystem;

class TarExtractTest : public ::testing::Test {
protected:
    test::RootfsFixture fx;
    UniqueFd root = open_root(fx.rootfs().string());

    // PUT /containers/{id}/archive?path=<dest>: dest followed in scope.
    ExtractResult cp_to(const std::string &dest, const std::string &tar, const ExtractOptions &o = {}) {
        const auto d = open_in_root(root.get(), parse_container_path(dest).abs, O_RDONLY | O_DIRECTORY);
        const auto in = images::test::fd_with(tar);
        return extract_tar(in.get(), d.get(), o);
    }

    void TearDown() override {
        // Whatever a case did, the host side is as it was.
        EXPECT_EQ(fx.read(fx.host() / "secret"), "host secret");
        std::vector<std::string> host_entries;
        for (const auto &e : fs::directory_iterator(fx.host())) host_entries.push_back(e.path().filename());
        EXPECT_EQ(host_entries, std::vector<std::string>{"secret"});
    }
};

TEST_F(TarExtractTest, FilesDirsAndLinksLandInTheDestination) {
    const auto r = cp_to("/dir", test::TarBuilder()
                                     .dir("new", 0750)
                                     .file("new/f", "hello", 0640)
                                     .symlink("new/l", "f")
                                     .hardlink("new/h", "new/f")
                                     .file("deep/er/x", "made parents")
                                     .bytes());
    EXPECT_EQ(r.entries, 5u);
    const auto d = fx.rootfs() / "dir";
    EXPECT_EQ(fx.read(d / "new/f"), "hello");
    EXPECT_EQ(fs::status(d / "new/f").permissions(), fs::perms(0640));
    EXPECT_EQ(fs::status(d / "new").permissions(), fs::perms(0750));
    EXPECT_EQ(fs::read_symlink(d / "new/l"), "f");
    EXPECT_EQ(fs::hard_link_count(d / "new/f"), 2u);
    EXPECT_EQ(fx.read(d / "deep/er/x"), "made parents");
    EXPECT_EQ(fs::status(d / "deep").permissions(), fs::perms(0755));
    // Directory times are the tar's, set after their children were made.
    struct stat st {};
    ASSERT_EQ(::stat((d / "new").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, 1700000000);
}

TEST_F(TarExtractTest, NamesWithDotDotOrAbsoluteAreRefused) {
    for (const char *name : {"../outside", "a/../../outside", "/abs", "../../../host/secret"}) {
        EXPECT_THROW(cp_to("/dir", test::TarBuilder().file(name, "pwned").bytes()), ExtractRefused) << name;
    }
    EXPECT_FALSE(fs::exists(fx.rootfs() / "outside"));
    EXPECT_FALSE(fs::exists(fx.rootfs() / "abs"));
}

TEST_F(TarExtractTest, ASymlinkInTheTarThenAFileThroughItStaysInTheDestination) {
    cp_to("/dir", test::TarBuilder()
                      .symlink("root", "/")
                      .file("root/pwned", "1")
                      .symlink("climb", "../../../..")
                      .file("climb/secret", "overwritten")
                      .bytes());
    // Both links resolve with the destination as "/".
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/pwned"), "1");
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/secret"), "overwritten");
    EXPECT_FALSE(fs::exists(fx.rootfs() / "pwned"));
}

TEST_F(TarExtractTest, ADestinationThroughContainerSymlinksStaysInTheRootfs) {
    // "/evil -> /": the destination is the container's root.
    cp_to("/evil/", test::TarBuilder().file("dropped", "x").bytes());
    EXPECT_EQ(fx.read(fx.rootfs() / "dropped"), "x");
    // "-> ../../../host": clamped to /host inside the rootfs, which is missing.
    EXPECT_THROW(cp_to("/escape/", test::TarBuilder().file("secret", "overwritten").bytes()), std::system_error);
    fs::create_directories(fx.rootfs() / "host");
    cp_to("/escape", test::TarBuilder().file("secret", "inside").bytes());
    EXPECT_EQ(fx.read(fx.rootfs() / "host/secret"), "inside");
}

TEST_F(TarExtractTest, AContainerSymlinkInsideTheDestinationIsFollowedInScope) {
    // /dir/out -> ../../../host already in the container: a tar writing
    // out/secret writes inside the destination.
    fs::create_symlink("../../../host", fx.rootfs() / "dir/out");
    cp_to("/dir", test::TarBuilder().file("out/secret", "overwritten").bytes());
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/host/secret"), "overwritten");
}

TEST_F(TarExtractTest, HardLinksMayNotPointOutside) {
    for (const char *target : {"../../host/secret", "/etc/passwd", "../../../../etc/passwd"}) {
        EXPECT_THROW(cp_to("/dir", test::TarBuilder().hardlink("h", target).bytes()), ExtractRefused) << target;
    }
    // Through a symlink in the tar: resolved inside the destination, where
    // there is no such file.
    EXPECT_THROW(cp_to("/dir", test::TarBuilder().symlink("s", "/").hardlink("h", "s/../host/secret").bytes()),
                 ExtractRefused);
    EXPECT_THROW(cp_to("/dir", test::TarBuilder().symlink("up2", "../../../host").hardlink("h", "up2/secret").bytes()),
                 std::system_error);
    EXPECT_FALSE(fs::exists(fx.rootfs() / "dir/h"));
}

TEST_F(TarExtractTest, ALastElementSymlinkIsReplacedNotFollowed) {
    fs::create_symlink("/etc/passwd", fx.rootfs() / "dir/p");
    const auto before = fx.read(fx.rootfs() / "etc/passwd");
    cp_to("/dir", test::TarBuilder().file("p", "replaced").bytes());
    EXPECT_FALSE(fs::is_symlink(fx.rootfs() / "dir/p"));
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/p"), "replaced");
    EXPECT_EQ(fx.read(fx.rootfs() / "etc/passwd"), before);
}

TEST_F(TarExtractTest, NoOverwriteDirNonDir) {
    ExtractOptions o;
    o.no_overwrite_dir_non_dir = true;
    try {
        cp_to("/", test::TarBuilder().file("dir", "file").bytes(), o);
        ADD_FAILURE() << "a directory was replaced by a file";
    } catch (const ExtractRefused &e) {
        EXPECT_STREQ(e.what(), "cannot overwrite directory \"dir\" with non-directory");
    }
    EXPECT_THROW(cp_to("/dir", test::TarBuilder().dir("a").bytes(), o), ExtractRefused);
    EXPECT_TRUE(fs::is_directory(fx.rootfs() / "dir"));
    // Without the option moby replaces either way; two directories merge.
    cp_to("/dir", test::TarBuilder().dir("sub").file("sub/c", "C").file("a", "A2").bytes(), o);
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/sub/b"), "B");
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/sub/c"), "C");
    cp_to("/", test::TarBuilder().file("dir", "now a file").bytes());
    EXPECT_EQ(fx.read(fx.rootfs() / "dir"), "now a file");
}

TEST_F(TarExtractTest, WhiteoutNamesAreOrdinaryFiles) {
    cp_to("/dir", test::TarBuilder().file(".wh.a", "").bytes());
    EXPECT_TRUE(fs::exists(fx.rootfs() / "dir/a"));
    EXPECT_TRUE(fs::exists(fx.rootfs() / "dir/.wh.a"));
}

TEST_F(TarExtractTest, TheDestinationsOwnEntryGivesItsMode) {
    cp_to("/dir", test::TarBuilder().dir("./", 0700).file("./x", "x").bytes());
    EXPECT_EQ(fs::status(fx.rootfs() / "dir").permissions(), fs::perms(0700));
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/x"), "x");
    EXPECT_THROW(cp_to("/dir", test::TarBuilder().file(".", "").bytes()), ExtractRefused);
}

TEST_F(TarExtractTest, OverlayXattrsAreNeverTakenFromTheTar) {
    // Without root a trusted.* xattr could not be set anyway; the point is
    // that it is not even tried, and the file still arrives.
    cp_to("/dir", test::TarBuilder().xattr_file("x", "trusted.overlay.opaque", "y").bytes());
    char buf[8];
    EXPECT_LT(::lgetxattr((fx.rootfs() / "dir/x").c_str(), "trusted.overlay.opaque", buf, sizeof buf), 0);
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/x"), "x");
}

TEST_F(TarExtractTest, OwnerOverrideAppliesToEveryEntry) {
    if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
    ExtractOptions o;
    o.owner = std::make_pair(uid_t(1000), gid_t(50));
    cp_to("/dir", test::TarBuilder().dir("o").file("o/f", "f").symlink("o/l", "f").bytes(), o);
    for (const char *p : {"dir/o", "dir/o/f", "dir/o/l"}) {
        struct stat st {};
        ASSERT_EQ(::lstat((fx.rootfs() / p).c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, 1000u) << p;
        EXPECT_EQ(st.st_gid, 50u) << p;
    }
}

TEST_F(TarExtractTest, GarbageIsRefused) { EXPECT_THROW(cp_to("/dir", std::string(2048, 'x')), ExtractRefused); }

} // namespace
} // namespace berth::containers::archive
