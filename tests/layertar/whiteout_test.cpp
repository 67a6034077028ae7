// whiteout_test.cpp — ".wh.<name>" and ".wh..wh..opq" in both styles.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/xattr.h>

using namespace lt;

namespace {

// What a parent layer left in a writable copy (remove style).
void lower_tree(const fs::path &root) {
    fs::create_directories(root / "a");
    write_file(root / "a/keep", "keep");
    write_file(root / "a/del", "del");
    fs::create_directories(root / "b/deep");
    write_file(root / "b/deep/x", "x");
    fs::create_directories(root / "o/sub");
    write_file(root / "o/old1", "old");
    write_file(root / "o/sub/old2", "old");
    write_file(root / "o/sub/kept_by_tar", "lower version");
}

layertar::ApplyOptions style(layertar::WhiteoutStyle s) {
    layertar::ApplyOptions options;
    options.whiteouts = s;
    return options;
}

bool is_overlay_whiteout(const fs::path &path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0;
}

std::string xattr_of(const fs::path &path, const char *name) {
    char buf[64];
    ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof buf);
    return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

} // namespace

TEST(Whiteouts, RemoveStyleDeletesFilesAndTrees) {
    TempDir root("wh");
    lower_tree(root.path());
    Fd tar = make_tar({file("a/.wh.del"), file(".wh.b"), file("a/.wh.not-there"), file("missing-dir/.wh.x"),
                       file("a/new", "new")});
    layertar::ApplyResult r = layertar::apply(tar.get(), root.path(), style(layertar::WhiteoutStyle::remove));
    EXPECT_EQ(r.entries, 5u);
    EXPECT_FALSE(exists_nofollow(root / "a/del"));
    EXPECT_FALSE(exists_nofollow(root / "b"));
    EXPECT_FALSE(exists_nofollow(root / "missing-dir")) << "a whiteout must not create directories";
    EXPECT_EQ(read_file(root / "a/keep"), "keep");
    EXPECT_EQ(read_file(root / "a/new"), "new");
    EXPECT_FALSE(exists_nofollow(root / "a/.wh.del"));
}

TEST(Whiteouts, OverlayStyleMakesCharDevices) {
    if (!is_root()) GTEST_SKIP() << "mknod needs root";
    TempDir root("wh");
    write_file(root / "existing", "replaced by a whiteout");
    Fd tar = make_tar({file("a/.wh.del"), file(".wh.existing"), file("a/b/.wh.c")});
    layertar::apply(tar.get(), root.path(), style(layertar::WhiteoutStyle::overlay));
    EXPECT_TRUE(is_overlay_whiteout(root / "a/del"));
    EXPECT_TRUE(is_overlay_whiteout(root / "existing"));
    EXPECT_TRUE(is_overlay_whiteout(root / "a/b/c"));
    EXPECT_FALSE(exists_nofollow(root / "a/.wh.del"));
}

TEST(Whiteouts, AufsMetadataIsIgnored) {
    TempDir root("wh");
    write_file(root / "plnk", "stays");
    Fd tar = make_tar({file(".wh..wh.plnk"), file(".wh..wh.aufs"), file("f", "x")});
    layertar::apply(tar.get(), root.path());
    EXPECT_EQ(read_file(root / "plnk"), "stays");
    EXPECT_EQ(read_file(root / "f"), "x");
}

TEST(OpaqueDirs, RemoveStyleKeepsOnlyWhatTheTarBrought) {
    TempDir root("opq");
    lower_tree(root.path());
    // Docker's order (marker right after the directory) plus entries before
    // the marker, which must survive it.
    Fd tar = make_tar({dir("o"), file("o/before", "b"), file("o/sub/kept_by_tar", "tar version"),
                       file("o/.wh..wh..opq"), file("o/after", "a")});
    layertar::apply(tar.get(), root.path(), style(layertar::WhiteoutStyle::remove));
    EXPECT_FALSE(exists_nofollow(root / "o/old1"));
    EXPECT_FALSE(exists_nofollow(root / "o/sub/old2")) << "lower content is hidden at every depth";
    EXPECT_EQ(read_file(root / "o/sub/kept_by_tar"), "tar version");
    EXPECT_EQ(read_file(root / "o/before"), "b");
    EXPECT_EQ(read_file(root / "o/after"), "a");
    EXPECT_FALSE(exists_nofollow(root / "o/.wh..wh..opq"));
    EXPECT_EQ(read_file(root / "a/keep"), "keep") << "siblings are untouched";
}

TEST(OpaqueDirs, RemoveStyleAtTheRoot) {
    TempDir root("opq");
    lower_tree(root.path());
    Fd tar = make_tar({file("new", "n"), file(".wh..wh..opq")});
    layertar::apply(tar.get(), root.path());
    Snapshot s = snapshot(root.path());
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s.begin()->first, "new");
}

TEST(OpaqueDirs, OverlayStyleSetsTheXattr) {
    if (!is_root()) GTEST_SKIP() << "trusted.* xattrs need root";
    TempDir root("opq");
    Fd tar = make_tar({dir("o"), file("o/.wh..wh..opq"), file("o/new", "n"), file("p/q/.wh..wh..opq")});
    layertar::apply(tar.get(), root.path(), style(layertar::WhiteoutStyle::overlay));
    EXPECT_EQ(xattr_of(root / "o", "trusted.overlay.opaque"), "y");
    EXPECT_EQ(xattr_of(root / "p/q", "trusted.overlay.opaque"), "y");
    EXPECT_EQ(read_file(root / "o/new"), "n");
    EXPECT_FALSE(exists_nofollow(root / "o/.wh..wh..opq"));
}
