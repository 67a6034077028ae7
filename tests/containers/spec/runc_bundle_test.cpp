// The spec run by the real runc: a busybox rootfs (scripts/lib/busybox-rootfs.sh),
// one bundle per test with a unique "berth-test-spec-..." container id and
// a cgroup parent removed afterwards. Root only; skipped (with the reason)
// otherwise.
#include "containers/spec/build_spec.h"
#include "test_rootfs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace berth::containers::spec;
using berth::containers::spec::test::TempRootfs;
namespace fs = std::filesystem;

namespace {

struct RunResult {
    int exit_code = -1;
    std::string output;
};

RunResult run_command(const std::string &command) {
    RunResult r;
    FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return r;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
        r.output.append(buf, n);
    int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string quote(const std::string &s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class RuncBundle : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (::geteuid() != 0 || ::access("/usr/sbin/runc", X_OK) != 0)
            return;
        image_ = new TempRootfs();
        auto tar = image_->path() + "/rootfs.tar";
        auto script = std::string(BERTH_SOURCE_DIR) + "/scripts/lib/busybox-rootfs.sh";
        auto made = run_command("bash " + quote(script) + " " + quote(tar) + " && mkdir " +
                                quote(image_->path() + "/rootfs") + " && tar -xf " + quote(tar) + " -C " +
                                quote(image_->path() + "/rootfs"));
        if (made.exit_code != 0)
            rootfs_error_ = made.output;
    }
    static void TearDownTestSuite() {
        delete image_;
        image_ = nullptr;
    }

    void SetUp() override {
        if (::geteuid() != 0)
            GTEST_SKIP() << "needs root to run runc containers";
        if (::access("/usr/sbin/runc", X_OK) != 0)
            GTEST_SKIP() << "runc is not installed at /usr/sbin/runc";
        ASSERT_TRUE(image_ && rootfs_error_.empty()) << "busybox rootfs: " << rootfs_error_;
        cgroup_parent_ = "berth-test-spec-" + std::to_string(::getpid());
        id_ = cgroup_parent_ + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }

    void TearDown() override {
        if (id_.empty())
            return;
        run_command("/usr/sbin/runc delete -f " + quote(id_));
        // The parent under every hierarchy (v1 controllers, name=systemd, unified).
        std::error_code ec;
        for (const auto &hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
            auto parent = hierarchy.path() / cgroup_parent_;
            if (fs::exists(parent / id_, ec))
                ::rmdir((parent / id_).c_str());
            if (fs::exists(parent, ec))
                ::rmdir(parent.c_str());
        }
    }

    // Builds the spec for `body` (Cmd given by the body), runs it, returns output and exit code.
    RunResult run(const std::string &body) {
        SpecInput input;
        input.image.config_json = R"({"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]})";
        input.create_body = body;
        input.host.rootfs_path = image_->path() + "/rootfs";
        input.host.container_id = id_;
        input.host.hostname = "berth-spec";
        input.host.cgroup_parent = "/" + cgroup_parent_;
        input.host.cgroup_v2 = false;
        std::string config;
        try {
            config = build_spec(input);
        } catch (const std::exception &e) {
            ADD_FAILURE() << "build_spec: " << e.what();
            return {};
        }
        bundle_ = std::make_unique<TempRootfs>();
        std::ofstream(bundle_->path() + "/config.json") << config;
        auto r = run_command("timeout 60 /usr/sbin/runc run --bundle " + quote(bundle_->path()) + " " + quote(id_) +
                             " </dev/null");
        run_command("/usr/sbin/runc delete -f " + quote(id_));
        return r;
    }

    static inline TempRootfs *image_ = nullptr;
    static inline std::string rootfs_error_;
    std::string cgroup_parent_;
    std::string id_;
    std::unique_ptr<TempRootfs> bundle_;
};

std::string status_field(const std::string &status, const std::string &field) {
    auto at = status.find(field + ":");
    if (at == std::string::npos)
        return "";
    auto start = status.find_first_not_of(" \t", at + field.size() + 1);
    return status.substr(start, status.find('\n', start) - start);
}

} // namespace

TEST_F(RuncBundle, DefaultCapabilitiesAndSeccomp) {
    auto r = run(R"({"Cmd":["cat","/proc/self/status"]})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(status_field(r.output, "CapEff"), "00000000a80425fb"); // docker's 14 default caps
    EXPECT_EQ(status_field(r.output, "CapBnd"), "00000000a80425fb");
    EXPECT_EQ(status_field(r.output, "CapInh"), "0000000000000000");
    EXPECT_EQ(status_field(r.output, "Seccomp"), "2");
    EXPECT_EQ(status_field(r.output, "NoNewPrivs"), "0");
}

TEST_F(RuncBundle, NamespaceAndMountSyscallsAreRefused) {
    auto unshare = run(R"({"Cmd":["unshare","-U","true"]})");
    EXPECT_NE(unshare.exit_code, 0) << unshare.output;
    auto mount = run(R"({"Cmd":["mount","-t","tmpfs","x","/mnt"]})");
    EXPECT_NE(mount.exit_code, 0) << mount.output;
}

TEST_F(RuncBundle, CapDropAllAddNetBindService) {
    auto r = run(R"({"Cmd":["cat","/proc/self/status"],"HostConfig":{"CapDrop":["ALL"],"CapAdd":["net_bind_service"]}})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(status_field(r.output, "CapEff"), "0000000000000400");
}

TEST_F(RuncBundle, ReadOnlyRootfs) {
    auto r = run(R"({"Cmd":["touch","/x"],"HostConfig":{"ReadonlyRootfs":true}})");
    EXPECT_NE(r.exit_code, 0) << r.output;
    auto tmpfs = run(R"({"Cmd":["touch","/run/x"],"HostConfig":{"ReadonlyRootfs":true,"Tmpfs":{"/run":"size=1m"}}})");
    EXPECT_EQ(tmpfs.exit_code, 0) << tmpfs.output;
}

TEST_F(RuncBundle, UserNobody) {
    auto r = run(R"({"Cmd":["sh","-c","id -u; id -g"],"User":"nobody"})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "65534\n65534\n");
}

TEST_F(RuncBundle, ExitCodePropagates) {
    EXPECT_EQ(run(R"({"Cmd":["sh","-c","exit 7"]})").exit_code, 7);
}

TEST_F(RuncBundle, NoNewPrivilegesAndHostname) {
    auto r = run(R"({"Cmd":["sh","-c","hostname; grep NoNewPrivs /proc/self/status"],
                     "HostConfig":{"SecurityOpt":["no-new-privileges"]}})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "berth-spec\nNoNewPrivs:\t1\n");
}

TEST_F(RuncBundle, InitRunsAsPid1) {
    if (::access("/usr/bin/tini-static", X_OK) != 0)
        GTEST_SKIP() << "tini-static is not installed";
    auto r = run(R"({"Cmd":["sh","-c","tr '\\0' ' ' </proc/1/cmdline"],"HostConfig":{"Init":true}})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.rfind("/sbin/docker-init -- sh -c", 0), 0u) << r.output;
}

TEST_F(RuncBundle, UnconfinedSeccomp) {
    auto r = run(R"({"Cmd":["cat","/proc/self/status"],"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}})");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(status_field(r.output, "Seccomp"), "0");
}
