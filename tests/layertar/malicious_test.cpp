// malicious_test.cpp — the hostile-tar corpus. Every test places canaries
// outside the target (beside it, and in /tmp), and passes only if apply()
// either refuses with LayerError or keeps everything inside the target;
// any other exception, a crash or a changed canary fails it.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>
#include <set>

using namespace lt;

namespace {

class Malicious : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = base_ / "root";
        fs::create_directory(root_);
        near_ = std::make_unique<Canary>(base_.path());
        far_ = std::make_unique<Canary>(fs::temp_directory_path());
    }

    void TearDown() override {
        near_->check();
        far_->check();
        // Nothing appeared beside the target.
        std::set<std::string> names;
        for (const auto &e : fs::directory_iterator(base_.path())) names.insert(e.path().filename().string());
        EXPECT_EQ(names, (std::set<std::string>{"root", near_->name()}));
    }

    // True when applied, false when refused with LayerError (the message
    // is kept); any other exception fails the test.
    bool apply(int fd, const layertar::ApplyOptions &options = {}) {
        try {
            last_ = layertar::apply(fd, root_, options);
            error_.clear();
            return true;
        } catch (const layertar::LayerError &e) {
            error_ = e.what();
            code_ = e.code();
            return false;
        }
    }

    bool apply(const std::vector<Member> &members, const layertar::ApplyOptions &options = {}) {
        Fd tar = make_tar(members);
        return apply(tar.get(), options);
    }

    void expect_refused(const std::vector<Member> &members, const layertar::ApplyOptions &options = {}) {
        EXPECT_FALSE(apply(members, options)) << "accepted: " << members.back().path;
        EXPECT_EQ(code_, BERTH_E_INVAL) << error_;
    }

    TempDir base_{"evil"};
    fs::path root_;
    std::unique_ptr<Canary> near_, far_;
    layertar::ApplyResult last_;
    std::string error_;
    int32_t code_ = 0;
};

bool empty_dir(const fs::path &dir) {
    return fs::is_directory(dir) && fs::directory_iterator(dir) == fs::directory_iterator();
}

// (a) ---------------------------------------------------------------------

TEST_F(Malicious, DotDotEntryIsRefused) {
    std::string esc = unique_name("escape");
    expect_refused({file("../" + esc, "pwned")});
    EXPECT_NE(error_.find(".."), std::string::npos) << error_;
    EXPECT_FALSE(exists_nofollow(base_ / esc));
}

TEST_F(Malicious, DotDotInsideTheNameIsRefused) {
    std::string esc = unique_name("escape");
    expect_refused({dir("a"), file("a/../../" + esc, "pwned")});
    EXPECT_FALSE(exists_nofollow(base_ / esc));
    expect_refused({file("./a/./../../" + esc, "pwned")});
    EXPECT_FALSE(exists_nofollow(base_ / esc));
}

// (b) ---------------------------------------------------------------------

TEST_F(Malicious, AbsoluteNameIsRefused) {
    expect_refused({file(far_->path().string(), "pwned")});
    EXPECT_NE(error_.find("absolute"), std::string::npos) << error_;
    expect_refused({dir("/")});
}

// (c) ---------------------------------------------------------------------

TEST_F(Malicious, AbsoluteSymlinkCannotCarryAWriteOut) {
    TempDir canary_dir("canarydir");
    bool applied = apply({symlink_to("evil", canary_dir.path().string()), file("evil/pwned", "pwned")});
    EXPECT_TRUE(empty_dir(canary_dir.path()));
    if (applied) {
        EXPECT_TRUE(exists_nofollow(root_ / canary_dir.path().relative_path() / "pwned"));
    }
}

TEST_F(Malicious, AbsoluteSymlinkResolvesInsideTheRoot) {
    // The same path exists inside the root: the write lands there.
    TempDir canary_dir("canarydir");
    std::string inside = canary_dir.path().relative_path().string();
    EXPECT_TRUE(apply({dir(inside), symlink_to("evil", canary_dir.path().string()), file("evil/pwned", "pwned")}))
        << error_;
    EXPECT_TRUE(empty_dir(canary_dir.path()));
    EXPECT_EQ(read_file(root_ / inside / "pwned"), "pwned");
}

TEST_F(Malicious, RelativeSymlinkUpIsClampedToTheRoot) {
    std::string esc = unique_name("up");
    bool applied = apply({symlink_to("up", "../../.."), file("up/" + esc, "pwned")});
    EXPECT_FALSE(exists_nofollow(base_ / esc));
    EXPECT_FALSE(exists_nofollow(fs::path("/") / esc));
    EXPECT_FALSE(exists_nofollow(fs::temp_directory_path() / esc));
    if (applied) {
        EXPECT_EQ(read_file(root_ / esc), "pwned");
    }
}

TEST_F(Malicious, SymlinkChainsAndDeepRelativeLinks) {
    std::string esc = unique_name("chain");
    bool applied = apply({dir("x/y"), symlink_to("x/y/up", "../../../../../.."), symlink_to("a", "b"),
                          symlink_to("b", "x/y/up"), file("a/" + esc, "pwned"), file("x/y/up/" + esc + "2", "pwned")});
    EXPECT_FALSE(exists_nofollow(base_ / esc));
    EXPECT_FALSE(exists_nofollow(fs::path("/") / esc));
    EXPECT_FALSE(exists_nofollow(base_ / (esc + "2")));
    EXPECT_FALSE(exists_nofollow(fs::path("/") / (esc + "2")));
    if (applied) {
        EXPECT_TRUE(exists_nofollow(root_ / esc));
    }
}

TEST_F(Malicious, SymlinkReplacingADirectoryMidTar) {
    // "d" is a directory, then becomes a symlink out, then gets a child.
    TempDir canary_dir("canarydir");
    bool applied =
        apply({dir("d"), file("d/a", "a"), symlink_to("d", canary_dir.path().string()), file("d/b", "pwned")});
    EXPECT_TRUE(empty_dir(canary_dir.path()));
    (void)applied;
}

// (d) ---------------------------------------------------------------------

TEST_F(Malicious, HardLinkToHostFilesIsRefused) {
    struct stat before;
    ASSERT_EQ(::stat("/etc/passwd", &before), 0);
    expect_refused({hardlink_to("passwd", "/etc/passwd")});
    expect_refused({hardlink_to("canary", "../" + near_->name())});
    expect_refused({hardlink_to("canary", "../../" + base_.path().filename().string() + "/" + near_->name())});
    // Through a symlink the tar made: resolves inside the root, where no
    // such file was extracted.
    expect_refused({symlink_to("s", "/etc"), hardlink_to("p", "s/passwd")});
    struct stat after;
    ASSERT_EQ(::stat("/etc/passwd", &after), 0);
    EXPECT_EQ(before.st_nlink, after.st_nlink);
    EXPECT_FALSE(exists_nofollow(root_ / "passwd"));
}

TEST_F(Malicious, HardLinkToAFileNotFromThisTarIsRefused) {
    write_file(root_ / "lower", "from a parent layer");
    expect_refused({hardlink_to("l2", "lower")});
    // Through a directory symlink from this tar, the name resolves to it.
    fs::create_directories(root_ / "lowerdir");
    write_file(root_ / "lowerdir/f", "from a parent layer");
    expect_refused(
        {dir("mine"), file("mine/f", "mine"), symlink_to("alias", "lowerdir"), hardlink_to("l3", "alias/f")});
    // A link naming a symlink from this tar links the symlink itself (as
    // link(2) does), never what it points at.
    write_file(root_ / "lower2", "from a parent layer");
    EXPECT_TRUE(apply({symlink_to("alias2", "lower2"), hardlink_to("l4", "alias2")})) << error_;
    struct stat st;
    ASSERT_EQ(::lstat((root_ / "l4").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_EQ(::lstat((root_ / "lower2").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 1u);
}

TEST_F(Malicious, HardLinkToAnEarlierEntryWorks) {
    EXPECT_TRUE(apply({file("f", "data"), hardlink_to("g", "f"), hardlink_to("./h", "./f")})) << error_;
    struct stat st;
    ASSERT_EQ(::stat((root_ / "g").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 3u);
}

// (e) ---------------------------------------------------------------------

class MaliciousWhiteouts : public Malicious, public ::testing::WithParamInterface<layertar::WhiteoutStyle> {
protected:
    layertar::ApplyOptions options() const {
        layertar::ApplyOptions o;
        o.whiteouts = GetParam();
        return o;
    }
};

TEST_P(MaliciousWhiteouts, WhiteoutNamesMustBePlain) {
    write_file(root_ / "x", "x");
    expect_refused({file("sub/.wh.."), file("f")}, options());
    expect_refused({file("sub/.wh..")}, options());
    expect_refused({file("../.wh." + near_->name())}, options());
    expect_refused({file(".wh..")}, options());
    expect_refused({file(".wh.")}, options());
    EXPECT_EQ(read_file(root_ / "x"), "x");
}

TEST_P(MaliciousWhiteouts, WhiteoutThroughASymlinkDeletesNothingOutside) {
    TempDir canary_dir("canarydir");
    Canary inside(canary_dir.path());
    apply({symlink_to("link", canary_dir.path().string()), file("link/.wh." + inside.name())}, options());
    inside.check();
    apply({symlink_to("link2", canary_dir.path().string()), file("link2/.wh..wh..opq")}, options());
    inside.check();
    apply({symlink_to("up", "../../../../.."), file("up/.wh." + near_->name())}, options());
    EXPECT_EQ(fs::directory_iterator(canary_dir.path())->path(), inside.path());
}

INSTANTIATE_TEST_SUITE_P(BothStyles, MaliciousWhiteouts,
                         ::testing::Values(layertar::WhiteoutStyle::remove, layertar::WhiteoutStyle::overlay),
                         [](const ::testing::TestParamInfo<layertar::WhiteoutStyle> &param) {
                             return param.param == layertar::WhiteoutStyle::remove ? "remove" : "overlay";
                         });

// (f) ---------------------------------------------------------------------

TEST_F(Malicious, DevicesAreRefusedByDefault) {
    expect_refused({device("mem", AE_IFCHR, 1, 1)});
    EXPECT_NE(error_.find("mem"), std::string::npos) << error_;
    expect_refused({device("sda", AE_IFBLK, 8, 0)});
    EXPECT_FALSE(exists_nofollow(root_ / "mem"));
    EXPECT_FALSE(exists_nofollow(root_ / "sda"));
}

TEST_F(Malicious, DevicesAreAllowedWhenAsked) {
    if (!is_root()) GTEST_SKIP() << "mknod of devices needs root";
    layertar::ApplyOptions options;
    options.allow_devices = true;
    EXPECT_TRUE(apply({device("null2", AE_IFCHR, 1, 3), device("sda", AE_IFBLK, 8, 0)}, options)) << error_;
    struct stat st;
    ASSERT_EQ(::lstat((root_ / "null2").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(1, 3));
    ASSERT_EQ(::lstat((root_ / "sda").c_str(), &st), 0);
    EXPECT_TRUE(S_ISBLK(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(8, 0));
}

// (g) ---------------------------------------------------------------------

TEST_F(Malicious, TenThousandLevelsDeep) {
    constexpr int depth = 10000;
    PipeTar tar([](TarWriter &w) {
        std::string path;
        for (int i = 0; i < depth; ++i) {
            path += i == 0 ? "a" : "/a";
            if (!w.add(dir(path))) return;
        }
        w.add(file(path + "/bottom", "deep"));
    });
    bool applied = apply(tar.read_fd());
    tar.finish();
    if (!applied) {
        EXPECT_EQ(code_, BERTH_E_INVAL) << error_;
    }
    // Whatever it reached is inside the root (and the fixture's
    // remove_tree has to clear it without running out of fds).
}

TEST_F(Malicious, OneEntryTenThousandLevelsDeep) {
    std::string path;
    for (int i = 0; i < 10000; ++i) path += "a/";
    bool applied = apply({file(path + "f", "deep")});
    if (!applied) {
        EXPECT_EQ(code_, BERTH_E_INVAL) << error_;
    }
}

// (h) ---------------------------------------------------------------------

void tar_bomb(TarWriter &w) {
    for (int d = 0; d < 200; ++d) {
        std::string dir_name = "d" + std::to_string(d);
        if (!w.add(dir(dir_name))) return;
        for (int f = 0; f < 1000; ++f)
            if (!w.add(file(dir_name + "/f" + std::to_string(f)))) return;
    }
}

TEST_F(Malicious, TarBombIsRefusedAtMaxEntries) {
    layertar::ApplyOptions options;
    options.max_entries = 100000;
    PipeTar tar(tar_bomb);
    EXPECT_FALSE(apply(tar.read_fd(), options));
    tar.finish();
    EXPECT_EQ(code_, BERTH_E_INVAL);
    EXPECT_NE(error_.find("max_entries"), std::string::npos) << error_;
    EXPECT_NE(error_.find("100000"), std::string::npos) << error_;
}

TEST_F(Malicious, TarBombWithDefaultLimitsStaysInside) {
    PipeTar tar(tar_bomb);
    EXPECT_TRUE(apply(tar.read_fd())) << error_;
    tar.finish();
    EXPECT_EQ(last_.entries, 200u * 1001u);
    size_t files = 0;
    for (const auto &d : fs::directory_iterator(root_))
        for (const auto &f : fs::directory_iterator(d.path())) files += f.is_regular_file() ? 1 : 0;
    EXPECT_EQ(files, 200000u);
}

} // namespace
