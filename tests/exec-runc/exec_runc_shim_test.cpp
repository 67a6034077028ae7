// The contract berthd's container service relies on: attach before start,
// open_stdin / stdin_once, OOM kills reported, exec exits announced after
// a daemon restart, features / can_handle, and delete leaving nothing of
// the shim behind.
#include "exec_runc_fixture.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <sstream>

using namespace exec_runc_test;

namespace {

// One request straight to a shim's control socket; its reply line.
std::string shim_request(const std::string &ctr_dir, const std::string &line) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = ctr_dir + "/shim.sock";
    if (path.size() >= sizeof addr.sun_path) return {};
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {};
    std::string reply;
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
        write(fd, (line + "\n").data(), line.size() + 1) == static_cast<ssize_t>(line.size() + 1))
        reply = read_all(fd);
    close(fd);
    return reply;
}

// Read exactly n bytes (or until EOF).
std::string read_n(int fd, size_t n) {
    std::string out;
    char buf[256];
    while (out.size() < n) {
        ssize_t r = read(fd, buf, std::min(sizeof buf, n - out.size()));
        if (r <= 0) break;
        out.append(buf, static_cast<size_t>(r));
    }
    return out;
}

} // namespace

// docker run without -d attaches before it starts: the very first bytes
// must reach the client.
TEST_F(ExecRunc, AttachBeforeStartGetsTheFirstOutput) {
    create("early", {"sh", "-c", "echo hi; echo oops >&2"}, pipes_stdio(-1, -1, -1));
    Pipe out, err;
    ASSERT_EQ(attach("early", pipes_stdio(-1, out.w, err.w)), BERTH_OK);
    out.close_w();
    err.close_w();
    EXPECT_EQ(state("early")["status"], "created");
    start("early");
    EXPECT_EQ(read_all(out.r), "hi\n");
    EXPECT_EQ(read_all(err.r), "oops\n");
    EXPECT_EQ(wait("early"), 0);
    EXPECT_EQ(state("early")["oom_killed"], false);
    remove("early");
}

// docker run -i (open_stdin + stdin_once): the attached client's stdin
// feeds the container, and its EOF is the container's EOF.
TEST_F(ExecRunc, OpenStdinWithStdinOnceClosesAfterTheClientsEof) {
    create("once", {"sh", "-c", "read x; echo got-$x; cat; echo end"}, pipes_stdio(-1, -1, -1),
           json{{"open_stdin", true}, {"stdin_once", true}});
    Pipe in, out;
    ASSERT_EQ(attach("once", pipes_stdio(in.r, out.w, -1)), BERTH_OK);
    out.close_w();
    start("once");
    ASSERT_EQ(write(in.w, "yes\n", 4), 4);
    in.close_w();
    const std::string got = read_all(out.r);
    EXPECT_EQ(got, "got-yes\nend\n");
    // A stdin left open would make cat, and so the wait, last forever.
    if (got != "got-yes\nend\n") kill("once", SIGKILL);
    EXPECT_EQ(wait("once"), 0);
    remove("once");
}

// open_stdin without stdin_once (docker start -a -i of a container made
// without it): a client going away leaves stdin open for the next one.
TEST_F(ExecRunc, OpenStdinOutlivesAClient) {
    create("shared", {"cat"}, pipes_stdio(-1, -1, -1), json{{"open_stdin", true}});
    Pipe in1, out1;
    ASSERT_EQ(attach("shared", pipes_stdio(in1.r, out1.w, -1)), BERTH_OK);
    out1.close_w();
    start("shared");
    ASSERT_EQ(write(in1.w, "a\n", 2), 2);
    in1.close_w();
    EXPECT_EQ(read_n(out1.r, 2), "a\n");
    Pipe in2;
    ASSERT_EQ(attach("shared", pipes_stdio(in2.r, -1, -1)), BERTH_OK);
    ASSERT_EQ(write(in2.w, "b\n", 2), 2);
    EXPECT_EQ(read_n(out1.r, 2), "b\n");
    EXPECT_EQ(state("shared")["status"], "running");
    berth_call call;
    ASSERT_EQ(host_->ops()->close_stdin(host_->instance(), &call, ids_["shared"].c_str(), nullptr), BERTH_OK)
        << call.message;
    EXPECT_EQ(wait("shared"), 0);
    remove("shared");
}

namespace {

// Whether this kernel counts OOM kills per memory cgroup (4.13+): the v1
// root's memory.oom_control has the line; on v2 memory.events always does.
bool kernel_counts_oom_kills() {
    if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) return true;
    std::ifstream v1("/sys/fs/cgroup/memory/memory.oom_control");
    std::stringstream ss;
    ss << v1.rdbuf();
    return ss.str().find("oom_kill ") != std::string::npos;
}

} // namespace

TEST_F(ExecRunc, OomKillIsReportedInStateWaitAndEvents) {
    if (!kernel_counts_oom_kills()) GTEST_SKIP() << "the memory cgroup has no oom_kill counter";
    const int64_t limit = 32 << 20;
    // Swap limited to the same amount (memory+swap on v1), so the hog
    // cannot page out and the OOM killer must act.
    auto limit_memory = [&](json &spec) {
        json mem = {{"limit", limit}};
        if (fs::exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes") ||
            fs::exists("/sys/fs/cgroup/cgroup.controllers"))
            mem["swap"] = limit;
        spec["linux"]["resources"]["memory"] = mem;
    };
    create("hog", {"sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"},
           pipes_stdio(-1, -1, -1), json::object(), limit_memory);
    start("hog");
    EXPECT_EQ(wait("hog"), 137);
    json st = state("hog");
    EXPECT_EQ(st["status"], "stopped");
    EXPECT_EQ(st["exit_code"], 137);
    EXPECT_EQ(st["oom_killed"], true) << st.dump();
    json ev = json::parse(host_->wait_event("exit", 10000));
    EXPECT_EQ(ev["oom_killed"], true) << ev.dump();
    EXPECT_EQ(ev["exit_code"], 137);
    json oom = json::parse(host_->wait_event("oom", 10000), nullptr, false);
    ASSERT_TRUE(oom.is_object()) << "no oom event";
    EXPECT_EQ(oom["id"], ids_["hog"]);
    std::ifstream exit_file(ctr_dir("hog") + "/exit");
    json rec = json::parse(exit_file);
    EXPECT_EQ(rec["oom_killed"], true);
    remove("hog");
}

// An init killed by anyone else is not oom_killed, even with the same code.
TEST_F(ExecRunc, PlainKillIsNotOomKilled) {
    create("killed", {"sleep", "100"}, pipes_stdio(-1, -1, -1));
    start("killed");
    kill("killed", SIGKILL);
    EXPECT_EQ(wait("killed"), 137);
    EXPECT_EQ(state("killed")["oom_killed"], false);
    json ev = json::parse(host_->wait_event("exit", 10000));
    EXPECT_EQ(ev["oom_killed"], false);
    remove("killed");
}

TEST_F(ExecRuncExec, ExecExitIsAnnouncedAfterRestore) {
    Pipe out;
    ASSERT_EQ(exec("quick", {"true"}, pipes_stdio(-1, -1, -1)), BERTH_OK);
    EXPECT_EQ(exec_wait("quick"), 0);
    ASSERT_TRUE(exec_event("quick").is_object());
    ASSERT_EQ(exec("long", {"sleep", "100"}, pipes_stdio(-1, out.w, -1)), BERTH_OK);
    out.close_w();
    // The shim knows which exits were announced: only "long" is left.
    std::string reply;
    for (int i = 0; i < 100; ++i) {
        reply = shim_request(ctr_dir("box"), "execs");
        if (reply.find("quick") == std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(json::parse(reply)["execs"], json::array({"long"})) << reply;

    // berthd restarts.
    host_.reset();
    host_ = std::make_unique<TestHost>(EXEC_RUNC_PLUGIN, dir_ + "/run");
    berth_call call;
    ASSERT_EQ(host_->ops()->restore(host_->instance(), &call, ids_["box"].c_str(), options_["box"].c_str()),
              BERTH_OK)
        << call.message;
    berth_call kcall;
    ASSERT_EQ(host_->ops()->kill(host_->instance(), &kcall, ids_["box"].c_str(), "long", SIGKILL, 0), BERTH_OK)
        << kcall.message;
    EXPECT_EQ(exec_wait("long"), 137);
    json ev = exec_event("long");
    ASSERT_TRUE(ev.is_object());
    EXPECT_EQ(ev["exit_code"], 137);
    EXPECT_EQ(ev["id"], ids_["box"]);
}

// Init ends while berthd is down; the restored instance still announces it.
TEST_F(ExecRunc, InitExitWhileDaemonIsDownIsAnnouncedAfterRestore) {
    create("downtime", {"sleep", "100"}, pipes_stdio(-1, -1, -1));
    start("downtime");
    host_.reset();
    ASSERT_EQ(run(std::string(runc_path) + " --root " + runc_root_ + " kill " + ids_["downtime"] + " KILL"), 0);
    host_ = std::make_unique<TestHost>(EXEC_RUNC_PLUGIN, dir_ + "/run");
    berth_call call;
    ASSERT_EQ(host_->ops()->restore(host_->instance(), &call, ids_["downtime"].c_str(),
                                    options_["downtime"].c_str()),
              BERTH_OK)
        << call.message;
    json ev = json::parse(host_->wait_event("exit", 10000));
    EXPECT_EQ(ev["id"], ids_["downtime"]);
    EXPECT_EQ(ev["exit_code"], 137);
    EXPECT_TRUE(ev["exec_id"].is_null());
    remove("downtime");
}

TEST_F(ExecRunc, FeaturesAndCanHandleSpeakForTheRuntime) {
    berth_call call;
    char *out = nullptr;
    ASSERT_EQ(host_->ops()->features(host_->instance(), &call, &out), BERTH_OK) << call.message;
    json features = json::parse(out);
    std::free(out);
    EXPECT_TRUE(features.contains("ociVersionMin")) << features.dump();
    int32_t ok = -1;
    berth_call ccall;
    ASSERT_EQ(host_->ops()->can_handle(host_->instance(), &ccall, spec_for({"true"}, false).dump().c_str(), &ok),
              BERTH_OK)
        << ccall.message;
    EXPECT_EQ(ok, 1);

    // A runtime that is not installed can handle nothing.
    TestHost absent(EXEC_RUNC_PLUGIN, dir_ + "/run", json{{"runtime-path", dir_ + "/no-runc"}}.dump());
    berth_call acall;
    ok = -1;
    ASSERT_EQ(absent.ops()->can_handle(absent.instance(), &acall, "{}", &ok), BERTH_OK) << acall.message;
    EXPECT_EQ(ok, 0);

    // A runtime without the features command (runc before 1.1) answers as
    // runc does: "No help topic", exit 3.
    const std::string old_runc = dir_ + "/old-runc";
    std::ofstream(old_runc) << "#!/bin/sh\necho \"No help topic for '$1'\" >&2\nexit 3\n";
    fs::permissions(old_runc, fs::perms::owner_all);
    TestHost old(EXEC_RUNC_PLUGIN, dir_ + "/run", json{{"runtime-path", old_runc}}.dump());
    berth_call fcall;
    char *fout = nullptr;
    EXPECT_EQ(old.ops()->features(old.instance(), &fcall, &fout), BERTH_E_NOTSUP);
    EXPECT_NE(fcall.message.find("No help topic"), std::string::npos) << fcall.message;
    std::free(fout);
}

TEST_F(ExecRunc, DeleteRemovesRuntimeStateAndShimFiles) {
    create("gone", {"true"}, pipes_stdio(-1, -1, -1));
    start("gone");
    EXPECT_EQ(wait("gone"), 0);
    ASSERT_TRUE(fs::exists(ctr_dir("gone") + "/exit"));
    remove("gone");
    for (const char *name : {"shim.sock", "exit", "init.pid", "runtime.log", "shim.log", "log-info.json"})
        EXPECT_FALSE(fs::exists(ctr_dir("gone") + "/" + name)) << name;
    EXPECT_NE(run(std::string(runc_path) + " --root " + runc_root_ + " state " + ids_["gone"] + " >/dev/null 2>&1"),
              0);
    berth_call call;
    char *out = nullptr;
    EXPECT_EQ(host_->ops()->state(host_->instance(), &call, ids_["gone"].c_str(), &out), BERTH_E_NOTFOUND);
    std::free(out);
}
