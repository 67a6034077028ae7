// changes_test.cpp — the naive and the overlay differ, and their tars.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>

using namespace lt;
using layertar::Change;

namespace {

// The same tree, byte for byte and time for time, wherever it is built.
void base_tree(const fs::path &root) {
    fs::create_directories(root / "a");
    write_file(root / "a/keep", "keep");
    write_file(root / "a/mod", "old");
    write_file(root / "a/del", "del");
    fs::create_directories(root / "b/deep");
    write_file(root / "b/x", "x");
    write_file(root / "b/deep/y", "y");
    write_file(root / "c", "c");
    ASSERT_EQ(::symlink("a", (root / "link").c_str()), 0);
    fs::create_directories(root / "same");
    write_file(root / "same/f", "same");
    for (const char *p : {"a/keep", "a/mod", "a/del", "b/x", "b/deep/y", "c", "link", "same/f", "b/deep", "b", "a",
                          "same"})
        set_mtime(root / p, 1600000000);
}

struct Expected {
    std::string path;
    Change::Kind kind;
    bool opaque = false;
};

void expect_changes(const std::vector<Change> &got, const std::vector<Expected> &want) {
    std::string got_text, want_text;
    for (const Change &c : got)
        got_text += std::to_string(c.kind) + " " + c.path + (c.opaque ? " opaque" : "") + "\n";
    for (const Expected &e : want)
        want_text += std::to_string(e.kind) + " " + e.path + (e.opaque ? " opaque" : "") + "\n";
    EXPECT_EQ(got_text, want_text);
}

void whiteout_device(const fs::path &path) {
    ASSERT_EQ(::mknod(path.c_str(), S_IFCHR | 0, makedev(0, 0)), 0) << path;
}

void opaque(const fs::path &path) {
    ASSERT_EQ(::setxattr(path.c_str(), "trusted.overlay.opaque", "y", 1, 0), 0) << path;
}

} // namespace

TEST(ChangesBetween, ReportsAddedModifiedDeleted) {
    TempDir parent("parent"), layer("layer");
    base_tree(parent.path());
    base_tree(layer.path());
    if (HasFatalFailure()) return;
    write_file(layer / "a/mod", "new content");
    ::unlink((layer / "a/del").c_str());
    layertar::remove_tree(layer / "b");
    write_file(layer / "a/new", "new");
    fs::create_directories(layer / "d");
    write_file(layer / "d/e", "e");
    ::chmod((layer / "c").c_str(), 0600);
    ::unlink((layer / "link").c_str());
    ASSERT_EQ(::symlink("c", (layer / "link").c_str()), 0);
    ASSERT_EQ(::lsetxattr((layer / "same/f").c_str(), "user.new", "1", 1, 0), 0);

    std::vector<Change> changes = layertar::changes_between(layer.path(), parent.path());
    expect_changes(changes, {{"/a", Change::modified},
                             {"/a/del", Change::deleted},
                             {"/a/mod", Change::modified},
                             {"/a/new", Change::added},
                             {"/b", Change::deleted},
                             {"/c", Change::modified},
                             {"/d", Change::added},
                             {"/d/e", Change::added},
                             {"/link", Change::modified},
                             {"/same", Change::modified},
                             {"/same/f", Change::modified}});

    // Applying that diff to another copy of the parent gives the layer.
    Fd tar(::memfd_create("diff.tar", MFD_CLOEXEC));
    int64_t bytes = layertar::write_tar(tar.get(), layer.path(), changes);
    EXPECT_EQ(bytes, 11 + 3 + 1 + 1 + 4); // a/mod, a/new, c, d/e, same/f
    EXPECT_EQ(bytes, layertar::content_size(layer.path(), changes));
    std::vector<std::string> names = tar_names(tar.get());
    EXPECT_NE(std::find(names.begin(), names.end(), "a/.wh.del"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), ".wh.b"), names.end());

    TempDir copy("copy");
    base_tree(copy.path());
    layertar::apply(tar.get(), copy.path());
    expect_same_tree(layer.path(), copy.path());
}

TEST(ChangesBetween, NoParentMeansEverythingAdded) {
    TempDir layer("layer");
    base_tree(layer.path());
    std::vector<Change> changes = layertar::changes_between(layer.path(), {});
    EXPECT_EQ(changes.size(), 12u);
    for (const Change &c : changes) EXPECT_EQ(c.kind, Change::added) << c.path;
    EXPECT_EQ(changes.front().path, "/a");
    EXPECT_EQ(changes[1].path, "/a/del"); // a directory's subtree follows it
    EXPECT_EQ(changes.back().path, "/same/f");
}

TEST(ChangesBetween, IdenticalTreesHaveNoChanges) {
    TempDir a("a"), b("b");
    base_tree(a.path());
    base_tree(b.path());
    EXPECT_TRUE(layertar::changes_between(a.path(), b.path()).empty());
}

TEST(ChangesBetween, TypeChangeIsModifiedNotDeleted) {
    TempDir parent("parent"), layer("layer");
    base_tree(parent.path());
    base_tree(layer.path());
    layertar::remove_tree(layer / "b");
    write_file(layer / "b", "now a file");
    std::vector<Change> changes = layertar::changes_between(layer.path(), parent.path());
    expect_changes(changes, {{"/b", Change::modified}});
}

TEST(ChangesOverlay, UpperDirWithOneLower) {
    if (!is_root()) GTEST_SKIP() << "whiteouts and trusted.overlay.* need root";
    TempDir lower("lower"), upper("upper");
    base_tree(lower.path());
    if (HasFatalFailure()) return;
    // What overlayfs would leave after: echo > a/mod; rm a/del; touch a/new;
    // rm -r b; mkdir b; touch b/z; chmod c; mkdir -p d; touch d/e; and a
    // copied-up but unchanged directory "same" holding a changed file.
    fs::create_directories(upper / "a");
    write_file(upper / "a/mod", "new content");
    whiteout_device(upper / "a/del");
    write_file(upper / "a/new", "new");
    fs::create_directories(upper / "b");
    opaque(upper / "b");
    write_file(upper / "b/z", "z");
    write_file(upper / "c", "c", 0600);
    fs::create_directories(upper / "d");
    write_file(upper / "d/e", "e");
    fs::create_directories(upper / "same");
    write_file(upper / "same/f", "changed");
    ASSERT_EQ(::setxattr((upper / "same/f").c_str(), "trusted.overlay.origin", "x", 1, 0), 0);
    set_mtime(upper / "same", 1600000000);
    if (HasFatalFailure()) return;

    std::vector<Change> changes = layertar::changes_overlay(upper.path(), {lower.path()});
    expect_changes(changes, {{"/a", Change::modified},
                             {"/a/del", Change::deleted},
                             {"/a/mod", Change::modified},
                             {"/a/new", Change::added},
                             {"/b", Change::modified, true},
                             {"/b/z", Change::added},
                             {"/c", Change::modified},
                             {"/d", Change::added},
                             {"/d/e", Change::added},
                             {"/same", Change::modified},
                             {"/same/f", Change::modified}});

    Fd tar(::memfd_create("diff.tar", MFD_CLOEXEC));
    layertar::write_tar(tar.get(), upper.path(), changes);
    std::vector<std::string> names = tar_names(tar.get());
    EXPECT_NE(std::find(names.begin(), names.end(), "a/.wh.del"), names.end());
    auto opq = std::find(names.begin(), names.end(), "b/.wh..wh..opq");
    ASSERT_NE(opq, names.end());
    auto bdir = std::find_if(names.begin(), names.end(), [](const std::string &n) { return n == "b/" || n == "b"; });
    EXPECT_LT(bdir, opq) << "the opaque marker follows its directory";
    for (const auto &[name, xattrs] : tar_xattr_names(tar.get()))
        for (const std::string &x : xattrs) EXPECT_FALSE(x.starts_with("trusted.overlay.")) << name << " " << x;

    // Overlay style: the upper dir comes back, whiteout and opaque flag
    // included.
    TempDir again("again");
    layertar::ApplyOptions overlay;
    overlay.whiteouts = layertar::WhiteoutStyle::overlay;
    layertar::apply(tar.get(), again.path(), overlay);
    struct stat st;
    ASSERT_EQ(::lstat((again / "a/del").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode) && st.st_rdev == 0);
    char v = 0;
    EXPECT_EQ(::getxattr((again / "b").c_str(), "trusted.overlay.opaque", &v, 1), 1);
    EXPECT_EQ(v, 'y');

    // Remove style onto a copy of the lower: the merged view.
    ::lseek(tar.get(), 0, SEEK_SET);
    TempDir merged("merged");
    base_tree(merged.path());
    layertar::apply(tar.get(), merged.path());
    EXPECT_FALSE(exists_nofollow(merged / "a/del"));
    EXPECT_FALSE(exists_nofollow(merged / "b/x")) << "opaque b hides the lower's content";
    EXPECT_FALSE(exists_nofollow(merged / "b/deep"));
    EXPECT_EQ(read_file(merged / "b/z"), "z");
    EXPECT_EQ(read_file(merged / "a/mod"), "new content");
    EXPECT_EQ(read_file(merged / "a/keep"), "keep");
}

TEST(ChangesOverlay, LowerWhiteoutsAndOpaqueDirsAreHonoured) {
    if (!is_root()) GTEST_SKIP() << "whiteouts and trusted.overlay.* need root";
    TempDir base("base"), middle("middle"), upper("upper");
    base_tree(base.path());
    if (HasFatalFailure()) return;
    // The middle layer deleted a/keep and replaced b wholesale.
    fs::create_directories(middle / "a");
    whiteout_device(middle / "a/keep");
    fs::create_directories(middle / "b");
    opaque(middle / "b");
    // The upper layer brings back a/keep and b/x, and touches c.
    fs::create_directories(upper / "a");
    write_file(upper / "a/keep", "back");
    fs::create_directories(upper / "b");
    write_file(upper / "b/x", "back");
    write_file(upper / "c", "changed");
    if (HasFatalFailure()) return;

    std::vector<Change> changes = layertar::changes_overlay(upper.path(), {middle.path(), base.path()});
    expect_changes(changes, {{"/a", Change::modified},
                             {"/a/keep", Change::added},
                             {"/b", Change::modified},
                             {"/b/x", Change::added},
                             {"/c", Change::modified}});
}
