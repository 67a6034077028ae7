// exec_runc_fixture.hpp — what the exec-runc integration tests share: a
// busybox rootfs built once per run, an OCI spec for it, the ExecRunc
// fixture (a TestHost with the built plugin, containers by short name,
// cleanup of runtime state and shims even when a test fails) and small
// pipe helpers.
#pragma once

#include "test_host.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include <functional>
#include <map>

namespace exec_runc_test {

namespace fs = std::filesystem;
using nlohmann::json;
using berth::test::TestHost;

constexpr char runc_path[] = "/usr/sbin/runc";

inline std::string g_root;     // temp dir for the whole suite
inline std::string g_rootfs;   // busybox rootfs
inline std::string g_skip;     // why the suite cannot run here

inline int run(const std::string &cmd) { return std::system(cmd.c_str()); }

inline json spec_for(const std::vector<std::string> &args, bool terminal) {
    json mounts = json::array({
        {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
        {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
         {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
        {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
         {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}}},
        {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
         {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
        {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
         {"options", {"nosuid", "noexec", "nodev", "ro"}}},
    });
    if (access("/usr/bin/tini-static", X_OK) == 0)
        mounts.push_back({{"destination", "/tini"}, {"type", "bind"},
                          {"source", "/usr/bin/tini-static"}, {"options", {"bind", "ro"}}});
    json caps = {"CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"};
    return {
        {"ociVersion", "1.0.2"},
        {"process",
         {{"terminal", terminal},
          {"user", {{"uid", 0}, {"gid", 0}}},
          {"args", args},
          {"env", {"PATH=/bin:/sbin:/usr/bin", "TERM=xterm"}},
          {"cwd", "/"},
          {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
          {"noNewPrivileges", true}}},
        {"root", {{"path", g_rootfs}, {"readonly", true}}},
        {"hostname", "berth-test"},
        {"mounts", mounts},
        {"linux",
         {{"namespaces", json::array({{{"type", "pid"}}, {{"type", "mount"}}, {{"type", "ipc"}},
                                      {{"type", "uts"}}, {{"type", "network"}}})},
          {"maskedPaths", {"/proc/kcore"}},
          {"readonlyPaths", {"/proc/sys"}}}},
    };
}

class ExecRunc : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (geteuid() != 0) {
            g_skip = "needs root to run runc";
            return;
        }
        if (access(runc_path, X_OK) != 0) {
            g_skip = "runc is not installed at /usr/sbin/runc";
            return;
        }
        char tmpl[] = "/tmp/berth-test-execrunc-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) {
            g_skip = "mkdtemp failed";
            return;
        }
        g_root = tmpl;
        g_rootfs = g_root + "/rootfs";
        fs::create_directories(g_rootfs);
        std::string tar = g_root + "/busybox.tar";
        if (run("bash " BERTH_SOURCE_DIR "/scripts/lib/busybox-rootfs.sh " + tar + " >/dev/null 2>&1") != 0 ||
            run("tar -C " + g_rootfs + " -xf " + tar) != 0)
            g_skip = "cannot build the busybox rootfs (busybox-static missing?)";
    }
    static void TearDownTestSuite() {
        if (!g_root.empty()) fs::remove_all(g_root);
    }

    void SetUp() override {
        if (!g_skip.empty()) GTEST_SKIP() << g_skip;
        dir_ = g_root + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::create_directories(dir_ + "/run");
        runc_root_ = dir_ + "/runc-root";
        host_ = std::make_unique<TestHost>(EXEC_RUNC_PLUGIN, dir_ + "/run");
    }

    void TearDown() override {
        for (auto &c : created_) {
            // Shims first (they would restart nothing, but hold fds), then
            // the runtime state and its cgroup via runc delete -f.
            std::ifstream sp(c.second + "/shim.pid");
            run(std::string(runc_path) + " --root " + runc_root_ + " delete -f " + c.first +
                " >/dev/null 2>&1");
            std::string rep = state_raw(c.first);
            (void)rep;
        }
        host_.reset();
        for (int pid : shim_pids_)
            if (pid > 1) ::kill(pid, SIGKILL);
        // A runtime delete a shim started at its init's exit may still be
        // logging into the container dir for a moment: retry until it is done.
        if (!dir_.empty()) remove_dir_when_quiet(dir_);
    }

    static void remove_dir_when_quiet(const std::string &dir) {
        for (int attempt = 0;; ++attempt) {
            std::error_code ec;
            fs::remove_all(dir, ec);
            if (!ec) return;
            if (attempt == 50) throw fs::filesystem_error("cannot remove", dir, ec);
            ::usleep(100 * 1000);
        }
    }

    // Create container `name` running args; returns the init pid.
    // extra_options are merged into options_json; edit_spec may change the
    // OCI spec (resources) before it is written. The outcome of create is
    // in last_create_ (code and message).
    int create(const std::string &name, const std::vector<std::string> &args, berth_exec_stdio stdio,
               const json &extra_options = json::object(),
               const std::function<void(json &)> &edit_spec = {}, bool expect_ok = true) {
        std::string id = "berth-test-" + std::to_string(getpid()) + "-" + name;
        std::string bundle = dir_ + "/" + name + "/bundle";
        std::string cdir = ctr_dir(name);
        fs::create_directories(bundle);
        fs::create_directories(cdir);
        json spec = spec_for(args, stdio.terminal != 0);
        if (edit_spec) edit_spec(spec);
        std::ofstream(bundle + "/config.json") << spec.dump();
        json options = {{"v", 1},
                        {"runtime", "runc"},
                        {"runtime_path", runc_path},
                        {"runtime_args", {"--root", runc_root_}},
                        {"container_dir", cdir}};
        options.update(extra_options);
        options_[name] = options.dump();
        berth_exec_create_opts o{sizeof o, 0, bundle.c_str(), options_[name].c_str(), &stdio};
        berth_call call;
        int32_t pid = 0;
        ids_[name] = id;
        int32_t rc = host_->ops()->create(host_->instance(), &call, id.c_str(), &o, &pid);
        last_create_ = call;
        last_create_.code = rc;
        if (expect_ok) {
            EXPECT_EQ(rc, BERTH_OK) << call.message;
        }
        created_.emplace_back(id, cdir);
        json st = json::parse(state_raw(id), nullptr, false);
        if (st.is_object() && st.contains("shim_pid")) shim_pids_.push_back(st["shim_pid"].get<int>());
        return pid;
    }

    std::string state_raw(const std::string &id) {
        berth_call call;
        char *out = nullptr;
        if (host_ == nullptr || host_->ops()->state(host_->instance(), &call, id.c_str(), &out) != BERTH_OK)
            return {};
        std::string s = out;
        std::free(out);
        return s;
    }
    json state(const std::string &name) { return json::parse(state_raw(ids_[name])); }

    int32_t start(const std::string &name) {
        berth_call call;
        int32_t rc = host_->ops()->start(host_->instance(), &call, ids_[name].c_str());
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        return rc;
    }
    int wait(const std::string &name) {
        berth_call call;
        int32_t code = -1;
        int32_t rc = host_->ops()->wait(host_->instance(), &call, ids_[name].c_str(), nullptr, &code);
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        return code;
    }
    int32_t kill(const std::string &name, int sig) {
        berth_call call;
        int32_t rc = host_->ops()->kill(host_->instance(), &call, ids_[name].c_str(), nullptr, sig, 0);
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        return rc;
    }
    void remove(const std::string &name) {
        berth_call call;
        EXPECT_EQ(host_->ops()->delete_container(host_->instance(), &call, ids_[name].c_str()), BERTH_OK)
            << call.message;
    }

    std::string ctr_dir(const std::string &name) const { return dir_ + "/" + name + "/ctr"; }
    int32_t attach(const std::string &name, berth_exec_stdio stdio) {
        berth_call call;
        int32_t rc = host_->ops()->attach(host_->instance(), &call, ids_[name].c_str(), nullptr, &stdio);
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        return rc;
    }

    std::string dir_, runc_root_;
    berth_call last_create_;
    std::unique_ptr<TestHost> host_;
    std::map<std::string, std::string> options_, ids_;
    std::vector<std::pair<std::string, std::string>> created_;
    std::vector<int> shim_pids_;
};

// Read fd until EOF or timeout.
inline std::string read_all(int fd, int timeout_ms = 10000) {
    std::string out;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int p[2];
        if (pipe2(p, O_CLOEXEC) == 0) r = p[0], w = p[1];
    }
    ~Pipe() {
        if (r >= 0) close(r);
        if (w >= 0) close(w);
    }
    void close_w() {
        if (w >= 0) close(w);
        w = -1;
    }
};

inline berth_exec_stdio pipes_stdio(int in, int out, int err) {
    return berth_exec_stdio{sizeof(berth_exec_stdio), 0, in, out, err, 0, 0};
}

// Call an op that returns JSON (pids, stats) on container name.
// Call an op that returns JSON (pids, stats) on container name.
inline json json_op(TestHost &h, const std::string &id,
             int32_t (*op)(berth_instance *, berth_call *, const char *, char **)) {
    berth_call call;
    char *out = nullptr;
    int32_t rc = op(h.instance(), &call, id.c_str(), &out);
    EXPECT_EQ(rc, BERTH_OK) << call.message;
    if (rc != BERTH_OK || out == nullptr) return json();
    json j = json::parse(out, nullptr, false);
    std::free(out);
    return j;
}

inline json exec_process(const std::vector<std::string> &args) {
    return {{"args", args}, {"env", {"PATH=/bin:/sbin:/usr/bin"}}, {"cwd", "/"},
            {"user", {{"uid", 0}, {"gid", 0}}}};
}

// A running container for exec tests: `sleep 100` as init.
class ExecRuncExec : public ExecRunc {
protected:
    void SetUp() override {
        ExecRunc::SetUp();
        if (IsSkipped()) return;
        Pipe out;
        create("box", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
        out.close_w();
        start("box");
    }
    void TearDown() override {
        if (!IsSkipped() && host_ != nullptr) {
            berth_call call;
            host_->ops()->kill(host_->instance(), &call, ids_["box"].c_str(), nullptr, SIGKILL, 0);
        }
        ExecRunc::TearDown();
    }
    int32_t exec(const std::string &exec_id, const std::vector<std::string> &args,
                 berth_exec_stdio stdio, int *pid = nullptr) {
        berth_call call;
        int32_t p = 0;
        int32_t rc = host_->ops()->exec(host_->instance(), &call, ids_["box"].c_str(), exec_id.c_str(),
                                        exec_process(args).dump().c_str(), &stdio, &p);
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        if (pid != nullptr) *pid = p;
        return rc;
    }
    int exec_wait(const std::string &exec_id) {
        berth_call call;
        int32_t code = -1;
        EXPECT_EQ(host_->ops()->wait(host_->instance(), &call, ids_["box"].c_str(), exec_id.c_str(), &code),
                  BERTH_OK)
            << call.message;
        return code;
    }
    // The exit event of exec_id (other events are skipped).
    json exec_event(const std::string &exec_id) {
        for (int i = 0; i < 10; ++i) {
            std::string ev = host_->wait_event("exit", 5000);
            if (ev.empty()) break;
            json j = json::parse(ev, nullptr, false);
            if (j.is_object() && j["exec_id"] == exec_id) return j;
        }
        return json();
    }
};

} // namespace exec_runc_test
