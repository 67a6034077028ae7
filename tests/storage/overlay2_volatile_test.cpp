// overlay2_volatile_test.cpp — overlay2's per-layer create option
// {"volatile":"true"}, which berthd passes for the init and RW layers of a
// container removed at its exit (`run --rm`): such a layer is made without
// fsyncs, and an rw one mounts with overlay's `volatile` option. These tests
// check what can be seen of that: the mount option on rw layers only, that
// read-only volatile layers are whole layers (parents, filled by apply_diff,
// mounted under children), that a volatile upper can be mounted again after
// an unmount (the kernel refuses it while work/incompat/volatile/dirty is
// left; the driver clears it), that its removal finishes in the background
// (other layers' before remove returns), and that a value other than
// "true"/"false" is refused. Root and a kernel with overlay's volatile option (5.10+) are
// needed; the tests skip with the reason otherwise.
#include "plugin_fixture.hpp"
#include "tar_util.hpp"

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace storage_test;
namespace fs = std::filesystem;

namespace {

constexpr const char *volatile_opts = R"({"volatile":"true"})";

// The options of the mount at point from /proc/self/mountinfo: the
// per-mount ones and the file system's (after " - fstype source "), joined
// with a comma; nullopt when nothing is mounted there.
std::optional<std::string> mount_options(const fs::path &point) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    std::optional<std::string> found;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, mount_point, mount_opts;
        fields >> id >> parent >> devno >> root >> mount_point >> mount_opts;
        if (mount_point != point.native()) continue;
        const auto sep = line.find(" - ");
        if (sep == std::string::npos) continue;
        std::istringstream tail(line.substr(sep + 3));
        std::string fstype, source, super_opts;
        tail >> fstype >> source >> super_opts;
        found = mount_opts + "," + super_opts; // the last one is the top mount
    }
    return found;
}

// Whether a mount's options say it is volatile: "volatile" until Linux 6.6,
// "fsync=volatile" since (the option is still accepted under its old name).
bool is_volatile(const std::string &options) {
    std::istringstream in(options);
    std::string item;
    while (std::getline(in, item, ','))
        if (item == "volatile" || item == "fsync=volatile") return true;
    return false;
}

// Why overlay's volatile option cannot be used under dir ("" when it can):
// a tiny overlay mounted with it and unmounted again.
std::string volatile_unsupported_reason(const fs::path &dir) {
    const fs::path probe = dir / "volatile-probe";
    for (const char *sub : {"lower", "upper", "work", "merged"}) fs::create_directories(probe / sub);
    const std::string data = "lowerdir=" + (probe / "lower").native() + ",upperdir=" + (probe / "upper").native() +
                             ",workdir=" + (probe / "work").native() + ",volatile";
    std::string why;
    if (::mount("overlay", (probe / "merged").c_str(), "overlay", 0, data.c_str()) != 0)
        why = std::string("overlay refuses the volatile option here (") + std::strerror(errno) +
              "; it needs Linux 5.10 or later)";
    else
        ::umount2((probe / "merged").c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(probe, ec);
    return why;
}

std::string read_file(const fs::path &path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class Overlay2Volatile : public ::testing::Test {
protected:
    void SetUp() override {
        scratch_ = std::make_unique<Scratch>("overlay2-volatile");
        backing_ = std::make_unique<Backing>("overlay2", *scratch_);
        if (!backing_->skip_reason().empty()) GTEST_SKIP() << backing_->skip_reason();
        const std::string why = volatile_unsupported_reason(scratch_->path());
        if (!why.empty()) GTEST_SKIP() << why;
        home_ = backing_->new_home("home");
        try {
            instance_ = std::make_unique<Instance>(plugin_file("overlay2"), home_, "{}");
        } catch (const std::exception &e) {
            if (std::string(e.what()).find("PREREQ") != std::string::npos)
                GTEST_SKIP() << "overlay2 is not usable here: " << e.what();
            throw;
        }
    }

    void TearDown() override {
        instance_.reset();
        backing_.reset();
        scratch_.reset();
    }

    conformance::Driver &d() { return instance_->driver(); }

    void apply(const std::string &id, const std::vector<Member> &members) {
        Fd tar = make_tar(members);
        int64_t size = 0;
        auto st = d().apply_diff(id, nullptr, tar.get(), size);
        ASSERT_TRUE(st.ok()) << st.describe();
    }

    // get, canonical (mountinfo names canonical paths).
    fs::path mount(const std::string &id) {
        std::string path;
        auto st = d().get(id, path);
        EXPECT_TRUE(st.ok()) << "get " << id << ": " << st.describe();
        return st.ok() ? fs::canonical(path) : fs::path();
    }

    std::unique_ptr<Scratch> scratch_;
    std::unique_ptr<Backing> backing_;
    std::string home_;
    std::unique_ptr<Instance> instance_;
};

TEST_F(Overlay2Volatile, OnlyAVolatileRwLayerMountsWithTheVolatileOption) {
    ASSERT_TRUE(d().create("base", "", false).ok());
    apply("base", {file("etc/hostname", "base\n", 0, 0)});
    ASSERT_TRUE(d().create("volatile-rw", "base", true, volatile_opts).ok());
    ASSERT_TRUE(d().create("synced-rw", "base", true).ok());
    ASSERT_TRUE(d().create("false-rw", "base", true, R"({"volatile":"false"})").ok());

    const fs::path vol = mount("volatile-rw");
    const fs::path synced = mount("synced-rw");
    const fs::path off = mount("false-rw");
    ASSERT_FALSE(vol.empty() || synced.empty() || off.empty());
    const auto vol_opts = mount_options(vol);
    const auto synced_opts = mount_options(synced);
    const auto off_opts = mount_options(off);
    ASSERT_TRUE(vol_opts && synced_opts && off_opts) << "a layer's merged dir is not a mount point";
    EXPECT_TRUE(is_volatile(*vol_opts)) << *vol_opts;
    EXPECT_FALSE(is_volatile(*synced_opts)) << *synced_opts;
    EXPECT_FALSE(is_volatile(*off_opts)) << *off_opts;
    // The volatile layer is an ordinary container root otherwise.
    EXPECT_EQ(read_file(vol / "etc/hostname"), "base\n");
    std::ofstream(vol / "written") << "x";
    EXPECT_TRUE(fs::exists(fs::path(home_) / "volatile-rw" / "diff" / "written"));

    for (const char *id : {"volatile-rw", "synced-rw", "false-rw"}) {
        EXPECT_TRUE(d().put(id).ok()) << id;
        EXPECT_TRUE(d().remove(id).ok()) << id;
    }
    EXPECT_TRUE(d().remove("base").ok());
}

// berthd makes a container's init layer read-only and volatile, fills it
// with apply_diff and makes the RW layer on it: a volatile read-only layer
// is a whole layer.
TEST_F(Overlay2Volatile, AVolatileReadOnlyLayerIsFilledAndMountedUnderAChild) {
    ASSERT_TRUE(d().create("image", "", false).ok());
    apply("image", {file("etc/os-release", "ID=test\n", 0, 0)});
    ASSERT_TRUE(d().create("init", "image", false, volatile_opts).ok());
    apply("init", {file("etc/hosts", "127.0.0.1 localhost\n", 0, 0)});
    // A volatile base layer (no parent) is one too.
    ASSERT_TRUE(d().create("base-volatile", "", false, volatile_opts).ok());
    apply("base-volatile", {file("only-here", "b", 0, 0)});

    // A read-only layer's own mount has no upper, so nothing to be volatile.
    const fs::path init_root = mount("init");
    ASSERT_FALSE(init_root.empty());
    EXPECT_EQ(read_file(init_root / "etc/hosts"), "127.0.0.1 localhost\n");
    const auto init_opts = mount_options(init_root);
    ASSERT_TRUE(init_opts.has_value());
    EXPECT_FALSE(is_volatile(*init_opts)) << *init_opts;
    EXPECT_TRUE(d().put("init").ok());

    for (const std::string &rw_opts : {std::string(volatile_opts), std::string("{}")}) {
        SCOPED_TRACE("rw layer options " + rw_opts);
        ASSERT_TRUE(d().create("ctr", "init", true, rw_opts.c_str()).ok());
        const fs::path root = mount("ctr");
        ASSERT_FALSE(root.empty());
        EXPECT_EQ(read_file(root / "etc/hosts"), "127.0.0.1 localhost\n") << "the volatile parent's own file";
        EXPECT_EQ(read_file(root / "etc/os-release"), "ID=test\n") << "the grandparent's file";
        EXPECT_TRUE(d().put("ctr").ok());
        EXPECT_TRUE(d().remove("ctr").ok());
    }

    ASSERT_TRUE(d().create("on-base", "base-volatile", true, volatile_opts).ok());
    const fs::path root = mount("on-base");
    ASSERT_FALSE(root.empty());
    EXPECT_EQ(read_file(root / "only-here"), "b");
    EXPECT_TRUE(d().put("on-base").ok());

    // And its diff gives back what was applied.
    Fd out = memfd("init.tar");
    ASSERT_TRUE(d().diff("init", nullptr, out.get()).ok());
    const auto owners = tar_owners(out.get());
    EXPECT_TRUE(owners.count("etc/hosts")) << "the init layer's diff lacks etc/hosts";
    EXPECT_FALSE(owners.count("etc/os-release")) << "the init layer's diff holds its parent's file";
}

// overlay leaves work/incompat/volatile/dirty after a volatile mount and
// refuses the next mount of that upper while it is there; the driver
// clears it, so a stopped container can be started again.
TEST_F(Overlay2Volatile, AVolatileLayerMountsAgainAfterAnUnmount) {
    ASSERT_TRUE(d().create("base", "", false).ok());
    apply("base", {file("bin/app", "app", 0, 0)});
    ASSERT_TRUE(d().create("ctr", "base", true, volatile_opts).ok());
    fs::path root = mount("ctr");
    ASSERT_FALSE(root.empty());
    std::ofstream(root / "state") << "first run";
    ASSERT_TRUE(d().put("ctr").ok());
    EXPECT_FALSE(mount_options(root).has_value()) << "still mounted after put";
    const fs::path dirty = fs::path(home_) / "ctr" / "work" / "work" / "incompat" / "volatile" / "dirty";
    if (!fs::exists(dirty))
        std::cout << "note: this kernel left no " << dirty << " after the unmount\n";

    for (int run = 2; run <= 3; ++run) {
        SCOPED_TRACE("mount number " + std::to_string(run));
        root = mount("ctr");
        ASSERT_FALSE(root.empty());
        const auto opts = mount_options(root);
        ASSERT_TRUE(opts.has_value());
        EXPECT_TRUE(is_volatile(*opts)) << *opts;
        EXPECT_EQ(read_file(root / "state"), "first run") << "the upper's content is kept";
        EXPECT_EQ(read_file(root / "bin/app"), "app");
        ASSERT_TRUE(d().put("ctr").ok());
    }
    EXPECT_TRUE(d().remove("ctr").ok());
}

// The entries of home whose name marks a tree on its way out ("-tmp-").
std::vector<std::string> tmp_entries(const fs::path &home) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(home))
        if (e.path().filename().native().find("-tmp-") != std::string::npos) out.push_back(e.path().filename());
    return out;
}

std::vector<Member> many_files(int n) {
    std::vector<Member> members;
    for (int i = 0; i < n; ++i) members.push_back(file("d" + std::to_string(i % 20) + "/f" + std::to_string(i), "x", 0, 0));
    return members;
}

// A volatile layer (a `run --rm` container's) is gone at remove's rename;
// its files go on the driver's background thread, which cleanup (the
// daemon's shutdown) waits for.
TEST_F(Overlay2Volatile, AVolatileLayersFilesGoInTheBackgroundAndCleanupWaitsForThem) {
    ASSERT_TRUE(d().create("base", "", false).ok());
    ASSERT_TRUE(d().create("init", "base", false, volatile_opts).ok());
    apply("init", many_files(2000));
    ASSERT_TRUE(d().create("ctr", "init", true, volatile_opts).ok());
    const fs::path root = mount("ctr");
    ASSERT_FALSE(root.empty());
    std::ofstream(root / "written") << "x";
    ASSERT_TRUE(d().put("ctr").ok());

    for (const char *id : {"ctr", "init"}) {
        ASSERT_TRUE(d().remove(id).ok()) << id;
        int32_t exists = -1;
        ASSERT_TRUE(d().exists(id, exists).ok());
        EXPECT_EQ(exists, 0) << id << " still exists after its remove returned";
        EXPECT_FALSE(fs::exists(fs::path(home_) / id)) << id << "'s directory is still under its name";
        // Gone for the driver too: a second remove is NOTFOUND, a new layer
        // may take the id at once.
        EXPECT_EQ(d().remove(id).code, BERTH_E_NOTFOUND) << id;
    }
    ASSERT_TRUE(d().create("init", "base", false, volatile_opts).ok()) << "the id is free again";
    ASSERT_TRUE(d().remove("init").ok());

    const auto before = tmp_entries(home_);
    std::cout << "note: " << before.size() << " tree(s) still being removed when remove returned\n";
    ASSERT_TRUE(d().cleanup().ok());
    EXPECT_TRUE(tmp_entries(home_).empty()) << "cleanup returned before the background removals finished";
    EXPECT_TRUE(d().remove("base").ok());
}

// Every other layer is removed whole before remove returns (image layers:
// a failed pull's cleanup must leave nothing behind when it answers).
TEST_F(Overlay2Volatile, ALayerCreatedWithoutTheOptionIsRemovedBeforeRemoveReturns) {
    ASSERT_TRUE(d().create("base", "", false).ok());
    apply("base", many_files(500));
    for (const char *opts : {"{}", R"({"volatile":"false"})"}) {
        SCOPED_TRACE(opts);
        ASSERT_TRUE(d().create("ctr", "base", true, opts).ok());
        const fs::path root = mount("ctr");
        ASSERT_FALSE(root.empty());
        std::ofstream(root / "written") << "x";
        ASSERT_TRUE(d().put("ctr").ok());
        ASSERT_TRUE(d().remove("ctr").ok());
        EXPECT_TRUE(tmp_entries(home_).empty()) << "a synced layer's removal went on after remove returned";
    }
    ASSERT_TRUE(d().remove("base").ok());
    EXPECT_TRUE(tmp_entries(home_).empty()) << "the image layer's removal went on after remove returned";
}

TEST_F(Overlay2Volatile, AValueOtherThanTrueOrFalseIsRefusedNamingTheOption) {
    ASSERT_TRUE(d().create("base", "", false).ok());
    struct Case {
        const char *opts;
        bool rw;
    };
    for (const Case &c : {Case{R"({"volatile":"yes"})", true}, Case{R"({"volatile":"yes"})", false},
                          Case{R"({"volatile":""})", true}}) {
        SCOPED_TRACE(std::string(c.opts) + (c.rw ? " rw" : " read-only"));
        auto st = d().create("refused", "base", c.rw, c.opts);
        EXPECT_EQ(st.code, BERTH_E_INVAL) << st.describe();
        EXPECT_NE(st.message.find("volatile"), std::string::npos) << st.message;
        int32_t exists = -1;
        ASSERT_TRUE(d().exists("refused", exists).ok());
        EXPECT_EQ(exists, 0) << "a refused create left the layer";
    }
    // Not a string at all.
    auto st = d().create("refused", "base", true, R"({"volatile":true})");
    EXPECT_EQ(st.code, BERTH_E_INVAL) << st.describe();
    EXPECT_NE(st.message.find("volatile"), std::string::npos) << st.message;
}

} // namespace
