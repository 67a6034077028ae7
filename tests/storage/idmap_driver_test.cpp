// idmap_driver_test.cpp — userns-remap in the storage drivers: with
// "id_map" in the init config, layers hold host ids (container id + H/G),
// the container's root can reach its rootfs, and diffs carry container ids
// again. Without it nothing changes. Each test runs against overlay2 (a
// directory on the normal disk) and btrfs (a loop-mounted image); both need
// root and skip with the reason otherwise.
#include "plugin_fixture.hpp"
#include "tar_util.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

using namespace storage_test;
namespace fs = std::filesystem;

namespace {

// A typical first /etc/subuid range; gids differ on purpose so a swapped
// uid/gid shows.
constexpr uint32_t H = 100000;
constexpr uint32_t G = 200000;
constexpr uint32_t S = 65536;
const std::string map_config =
    R"({"id_map": {"uid": )" + std::to_string(H) + R"(, "gid": )" + std::to_string(G) + R"(, "size": )" +
    std::to_string(S) + "}}";

struct Node {
    mode_t perm = 0;
    uid_t uid = ~0u;
    gid_t gid = ~0u;
    mode_t type = 0;
};

Node node(const fs::path &path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    return Node{st.st_mode & 07777, st.st_uid, st.st_gid, st.st_mode & S_IFMT};
}

Ids ids(const fs::path &path) {
    Node n = node(path);
    return Ids{n.uid, n.gid};
}

// Runs check in a child process that is the container's root as the host
// sees it (uid H, gid G, no supplementary groups); true when it returns 0.
// `why` gets the errno text of a failing step.
bool as_container_root(const std::function<int()> &check, std::string &why) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) return false;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipefd[0]);
        int rc = 100;
        if (::setgroups(0, nullptr) == 0 && ::setgid(G) == 0 && ::setuid(H) == 0) rc = check();
        if (rc != 0) {
            const char *text = std::strerror(errno);
            [[maybe_unused]] ssize_t n = ::write(pipefd[1], text, std::strlen(text));
        }
        ::_exit(rc);
    }
    ::close(pipefd[1]);
    char buf[256] = {};
    [[maybe_unused]] ssize_t n = ::read(pipefd[0], buf, sizeof buf - 1);
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    why = buf;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The container's root can enter dir (every directory above it included)
// and, with list, read it.
::testing::AssertionResult container_root_can_enter(const fs::path &dir, bool list = false) {
    std::string why;
    const auto check = [&] {
        if (::chdir(dir.c_str()) != 0) return 1;
        if (list && ::open(".", O_RDONLY | O_DIRECTORY) < 0) return 2;
        return 0;
    };
    if (as_container_root(check, why)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "uid " << H << " gid " << G << " cannot open " << dir << ": " << why;
}

std::string read_all(const fs::path &path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The image layer every test starts from, in container ids.
std::vector<Member> base_members() {
    return {
        dir("etc", 0, 0),
        file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0, 0),
        hardlink_to("etc/passwd-", "etc/passwd", 0, 0),
        file("etc/shadow", "root:*::0:::::\n", 0, 42),
        dir("home", 0, 0),
        dir("home/app", 1000, 1000),
        file("home/app/data", "d", 1000, 1000),
        symlink_to("home/app/cfg", "../../etc/passwd", 1000, 1001),
        file("opt/tool/run", "#!/bin/sh\n", 3, 4), // opt, opt/tool are implied
        file("nobody", "n", 65534, 65534),
    };
}

std::string driver_name(const ::testing::TestParamInfo<std::string> &param) { return param.param; }

class IdMapDriver : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        scratch_ = std::make_unique<Scratch>("idmap-" + GetParam());
        backing_ = std::make_unique<Backing>(GetParam(), *scratch_);
        if (!backing_->skip_reason().empty()) GTEST_SKIP() << backing_->skip_reason();
    }

    void TearDown() override {
        instance_.reset();
        backing_.reset();
        scratch_.reset();
    }

    // A fresh home and an instance on it; a PREREQ init skips the test.
    conformance::Driver *start(const std::string &config) {
        home_ = backing_->new_home("home");
        try {
            instance_ = std::make_unique<Instance>(plugin_file(GetParam()), home_, config);
        } catch (const std::exception &e) {
            if (std::string(e.what()).find("PREREQ") != std::string::npos) return nullptr;
            throw;
        }
        return &instance_->driver();
    }

    bool overlay() const { return GetParam() == "overlay2"; }

    // Where a layer's own files are on disk.
    fs::path layer_root(const std::string &id) const {
        return overlay() ? fs::path(home_) / id / "diff" : fs::path(home_) / "subvolumes" / id;
    }

    // The directories the container's root passes on the way to the
    // mount point of layer id (besides home).
    std::vector<fs::path> way_to(const std::string &id) const {
        if (overlay()) return {fs::path(home_) / id, fs::path(home_) / id / "merged", fs::path(home_) / "l"};
        return {fs::path(home_) / "subvolumes", fs::path(home_) / "subvolumes" / id};
    }

    void apply(conformance::Driver &d, const std::string &id, const std::vector<Member> &members) {
        Fd tar = make_tar(members);
        int64_t size = 0;
        auto st = d.apply_diff(id, nullptr, tar.get(), size);
        ASSERT_TRUE(st.ok()) << st.describe();
    }

    std::map<std::string, Ids> diff_owners(conformance::Driver &d, const std::string &id) {
        Fd out = memfd("diff.tar");
        auto st = d.diff(id, nullptr, out.get());
        EXPECT_TRUE(st.ok()) << st.describe();
        return tar_owners(out.get());
    }

    std::unique_ptr<Scratch> scratch_;
    std::unique_ptr<Backing> backing_;
    std::string home_;
    std::unique_ptr<Instance> instance_;
};

#define START(config)                                                                                  \
    conformance::Driver *dp = start(config);                                                           \
    if (dp == nullptr) GTEST_SKIP() << GetParam() << " is not usable here (init said PREREQ)";       \
    [[maybe_unused]] conformance::Driver &d = *dp

TEST_P(IdMapDriver, InitMakesTheHomeTraversableForTheContainerRoot) {
    START(map_config);
    Node home = node(home_);
    EXPECT_EQ(home.perm, 0710u);
    EXPECT_EQ(home.gid, G);
    EXPECT_EQ(home.uid, 0u) << "home stays the host root's";
    if (overlay()) {
        EXPECT_EQ(node(fs::path(home_) / "l").perm, 0710u);
        EXPECT_EQ(node(fs::path(home_) / "l").gid, G);
    } else {
        EXPECT_EQ(node(fs::path(home_) / "subvolumes").perm, 0710u);
        EXPECT_EQ(node(fs::path(home_) / "subvolumes").gid, G);
        EXPECT_EQ(node(fs::path(home_) / "meta").perm, 0700u) << "meta/ is the driver's alone";
    }
    EXPECT_TRUE(container_root_can_enter(home_));
}

TEST_P(IdMapDriver, LayersWithoutParentAreOwnedByTheContainerRoot) {
    START(map_config);
    ASSERT_TRUE(d.create("base", "", false).ok());
    EXPECT_EQ(ids(layer_root("base")), (Ids{H, G}));
    ASSERT_TRUE(d.create("rwbase", "", true).ok());
    EXPECT_EQ(ids(layer_root("rwbase")), (Ids{H, G}));
    for (const auto &dir : way_to("rwbase")) {
        if (!fs::exists(dir)) continue;
        Node n = node(dir);
        const bool searchable = (n.uid == H && (n.perm & 0100)) || (n.gid == G && (n.perm & 0010)) || (n.perm & 0001);
        EXPECT_TRUE(searchable) << dir << " mode " << std::oct << n.perm << std::dec << " " << n.uid << ":" << n.gid;
    }
    std::string path;
    ASSERT_TRUE(d.get("rwbase", path).ok());
    EXPECT_TRUE(container_root_can_enter(path, /*list=*/true));
    EXPECT_TRUE(d.put("rwbase").ok());
    EXPECT_TRUE(d.remove("rwbase").ok());
    EXPECT_TRUE(d.remove("base").ok());
}

TEST_P(IdMapDriver, ApplyDiffShiftsIdsAndDiffGivesThemBack) {
    START(map_config);
    ASSERT_TRUE(d.create("base", "", false).ok());
    std::vector<Member> members = base_members();
    Fd original_tar = make_tar(members);
    auto original = tar_owners(original_tar.get());
    apply(d, "base", members);

    const fs::path root = layer_root("base");
    EXPECT_EQ(ids(root), (Ids{H, G})) << "the tar never sets the root's owner";
    EXPECT_EQ(ids(root / "etc"), (Ids{H, G}));
    EXPECT_EQ(ids(root / "etc/passwd"), (Ids{H, G}));
    EXPECT_EQ(ids(root / "etc/passwd-"), (Ids{H, G}));
    EXPECT_EQ(ids(root / "etc/shadow"), (Ids{H, G + 42}));
    EXPECT_EQ(ids(root / "home/app"), (Ids{H + 1000, G + 1000}));
    EXPECT_EQ(ids(root / "home/app/cfg"), (Ids{H + 1000, G + 1001}));
    EXPECT_EQ(ids(root / "opt"), (Ids{H, G})) << "implied directories are the container root's";
    EXPECT_EQ(ids(root / "opt/tool/run"), (Ids{H + 3, G + 4}));
    EXPECT_EQ(ids(root / "nobody"), (Ids{H + 65534, G + 65534}));

    auto written = diff_owners(d, "base");
    for (const auto &[name, owner] : original) EXPECT_EQ(written[name], owner) << name;
    EXPECT_EQ(written["opt"], (Ids{0, 0}));
    EXPECT_EQ(written["opt/tool"], (Ids{0, 0}));
    EXPECT_TRUE(d.remove("base").ok());
}

TEST_P(IdMapDriver, ChildLayerWhiteoutsAreShiftedAndRoundTrip) {
    START(map_config);
    ASSERT_TRUE(d.create("base", "", false).ok());
    apply(d, "base", base_members());
    ASSERT_TRUE(d.create("img2", "base", false).ok());
    EXPECT_EQ(ids(layer_root("img2")), (Ids{H, G})) << "a child's root is the container root's too";
    std::vector<Member> members = {
        file("etc/.wh.shadow", "", 0, 0),
        file("etc/motd", "hi", 0, 0),
        file("home/app/.wh.data", "", 1000, 1000),
        file("usr/bin/tool", "t", 2, 2),
    };
    Fd original_tar = make_tar(members);
    auto original = tar_owners(original_tar.get());
    apply(d, "img2", members);

    const fs::path root = layer_root("img2");
    if (overlay()) {
        // overlayfs whiteouts: 0/0 character devices, owned like the entry.
        EXPECT_EQ(node(root / "etc/shadow").type, static_cast<mode_t>(S_IFCHR));
        EXPECT_EQ(ids(root / "etc/shadow"), (Ids{H, G}));
        EXPECT_EQ(ids(root / "home/app/data"), (Ids{H + 1000, G + 1000}));
    } else {
        EXPECT_FALSE(fs::exists(fs::symlink_status(root / "etc/shadow")));
        EXPECT_EQ(ids(root / "etc/passwd"), (Ids{H, G})) << "the snapshot keeps the parent's shifted ids";
    }
    EXPECT_EQ(ids(root / "etc/motd"), (Ids{H, G}));
    EXPECT_EQ(ids(root / "usr/bin/tool"), (Ids{H + 2, G + 2}));

    auto written = diff_owners(d, "img2");
    for (const auto &[name, owner] : original) {
        // Whiteout markers are written as 0:0 whatever the device's owner.
        if (name.find(".wh.") != std::string::npos) {
            EXPECT_EQ(written.count(name), 1u) << name;
            continue;
        }
        EXPECT_EQ(written[name], owner) << name;
    }
    EXPECT_EQ(written["usr"], (Ids{0, 0}));
    EXPECT_TRUE(d.remove("img2").ok());
    EXPECT_TRUE(d.remove("base").ok());
}

// A container's rw layer: its root reaches the rootfs and writes to it;
// `docker commit` (a diff) gives container ids.
TEST_P(IdMapDriver, ContainerLayerIsUsableAndCommitsWithContainerIds) {
    START(map_config);
    ASSERT_TRUE(d.create("base", "", false).ok());
    apply(d, "base", base_members());
    ASSERT_TRUE(d.create("ctr", "base", true).ok());
    std::string path;
    ASSERT_TRUE(d.get("ctr", path).ok());
    const fs::path rootfs = path;
    EXPECT_EQ(ids(rootfs), (Ids{H, G})) << "the container's / must be its root's";
    EXPECT_EQ(ids(rootfs / "etc/passwd"), (Ids{H, G}));
    std::string why;
    EXPECT_TRUE(as_container_root(
        [&] {
            if (read_all(rootfs / "etc/passwd").rfind("root:", 0) != 0) return 1;
            int fd = ::open((rootfs / "created").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
            if (fd < 0) return 2;
            ::close(fd);
            if (::unlink((rootfs / "etc/shadow").c_str()) != 0) return 3;
            return 0;
        },
        why))
        << "the container's root cannot use " << rootfs << ": " << why;
    // A file a container user (1000) made.
    std::ofstream(rootfs / "home/app/new") << "x";
    ASSERT_EQ(::chown((rootfs / "home/app/new").c_str(), H + 1000, G + 1000), 0);
    // A file the container cannot map (host root's): it saw 65534.
    std::ofstream(rootfs / "hostfile") << "h";

    auto written = diff_owners(d, "ctr");
    EXPECT_EQ(written["created"], (Ids{0, 0}));
    EXPECT_EQ(written["home/app/new"], (Ids{1000, 1000}));
    EXPECT_EQ(written["home/app"], (Ids{1000, 1000}));
    EXPECT_EQ(written["hostfile"], (Ids{65534, 65534}));
    EXPECT_EQ(written.count("etc/.wh.shadow"), 1u);

    std::string changes;
    ASSERT_TRUE(d.changes("ctr", nullptr, changes).ok());
    EXPECT_NE(changes.find("/created"), std::string::npos) << changes;
    EXPECT_TRUE(d.put("ctr").ok());
    EXPECT_TRUE(d.remove("ctr").ok());
    EXPECT_TRUE(d.remove("base").ok());
}

TEST_P(IdMapDriver, UnmappableIdIsRefusedNamingThePath) {
    START(map_config);
    ASSERT_TRUE(d.create("bad", "", false).ok());
    Fd tar = make_tar({file("etc/ok", "ok", 0, 0), file("etc/foo", "x", 70000, 0)});
    int64_t size = 0;
    auto st = d.apply_diff("bad", nullptr, tar.get(), size);
    EXPECT_EQ(st.code, BERTH_E_INVAL) << st.describe();
    EXPECT_NE(st.message.find("container ID 70000 of 'etc/foo' cannot be mapped to a host ID"), std::string::npos)
        << st.message;
    EXPECT_FALSE(fs::exists(fs::symlink_status(layer_root("bad") / "etc/foo")));
    EXPECT_TRUE(d.remove("bad").ok());
}

TEST_P(IdMapDriver, WithoutIdMapNothingChanges) {
    START("{}");
    const mode_t home_perm = node(home_).perm;
    EXPECT_EQ(node(home_).gid, 0u);
    EXPECT_EQ(home_perm, 0700u) << "an existing home keeps its mode";
    EXPECT_FALSE(container_root_can_enter(home_));
    if (overlay()) {
        EXPECT_EQ(node(fs::path(home_) / "l").perm, 0700u);
    } else {
        EXPECT_EQ(node(fs::path(home_) / "subvolumes").perm, 0700u);
        EXPECT_EQ(node(fs::path(home_) / "subvolumes").gid, 0u);
    }
    ASSERT_TRUE(d.create("base", "", false).ok());
    EXPECT_EQ(ids(layer_root("base")), (Ids{0, 0}));
    std::vector<Member> members = base_members();
    members.push_back(file("big-ids", "b", 70000, 80000)); // fine without a map
    Fd original_tar = make_tar(members);
    auto original = tar_owners(original_tar.get());
    apply(d, "base", members);
    EXPECT_EQ(ids(layer_root("base") / "home/app/data"), (Ids{1000, 1000}));
    EXPECT_EQ(ids(layer_root("base") / "big-ids"), (Ids{70000, 80000}));
    EXPECT_EQ(ids(layer_root("base") / "opt"), (Ids{0, 0}));
    auto written = diff_owners(d, "base");
    for (const auto &[name, owner] : original) EXPECT_EQ(written[name], owner) << name;
    ASSERT_TRUE(d.create("ctr", "base", true).ok());
    if (overlay()) {
        EXPECT_EQ(node(fs::path(home_) / "ctr" / "merged").perm, 0700u);
    }
    EXPECT_EQ(ids(layer_root("ctr")), (Ids{0, 0}));
    EXPECT_TRUE(d.remove("ctr").ok());
    EXPECT_TRUE(d.remove("base").ok());
}

INSTANTIATE_TEST_SUITE_P(Drivers, IdMapDriver, ::testing::Values("overlay2", "btrfs"),
                         driver_name);

// A malformed id_map fails init with INVAL naming what is wrong, before the
// driver looks at its home (so this runs anywhere, root or not).
class IdMapConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(IdMapConfig, MalformedIdMapIsRefused) {
    const std::string plugin = plugin_file(GetParam());
    if (plugin.empty()) GTEST_SKIP() << "storage-" << GetParam() << " is not part of this build";
    Scratch scratch("idmap-config");
    const std::string home = scratch.path() + "/home";
    fs::create_directory(home);
    struct Case {
        const char *config;
        const char *says;
    };
    for (const Case &c : {
             Case{R"({"id_map": {"uid": 100000, "gid": 100000}})", "\"size\""},
             Case{R"({"id_map": {"uid": 100000, "gid": 100000, "size": 0}})", "at least 1"},
             Case{R"({"id_map": {"uid": -1, "gid": 100000, "size": 65536}})", "id_map.uid"},
             Case{R"({"id_map": {"uid": "100000", "gid": 100000, "size": 65536}})", "id_map.uid"},
             Case{R"({"id_map": {"uid": 100000, "gid": 4294967000, "size": 65536}})", "past host ID"},
             Case{R"({"id_map": {"uid": 1, "gid": 1, "size": 1, "count": 2}})", "\"count\""},
             Case{R"({"id_map": [100000, 100000, 65536]})", "must be"},
         }) {
        auto st = Instance::try_init(plugin, home, c.config);
        EXPECT_EQ(st.code, BERTH_E_INVAL) << c.config << ": " << st.describe();
        EXPECT_NE(st.message.find(c.says), std::string::npos) << c.config << ": " << st.message;
    }
}

INSTANTIATE_TEST_SUITE_P(Drivers, IdMapConfig, ::testing::Values("overlay2", "btrfs"),
                         driver_name);

} // namespace
