// The runtime's delete that berth-shim starts by itself when a container's
// init exits (Server::start_early_delete): the runtime's state is gone soon
// after the exit without anyone asking, the driver's delete still succeeds
// (it joins that delete), and a container whose init never exited is still
// deleted by the delete request itself (the fallback path).
#include "exec_runc_fixture.hpp"

#include <cerrno>
#include <cstdio>

using namespace exec_runc_test;

namespace {

// What `runc state <id>` prints (stdout and stderr) and its exit status.
struct RuncState {
    int status = -1;
    std::string output;
};

RuncState runc_state(const std::string &runc_root, const std::string &id) {
    RuncState s;
    const std::string cmd = std::string(runc_path) + " --root " + runc_root + " state " + id + " 2>&1";
    FILE *p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return s;
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) s.output.append(buf, n);
    s.status = ::pclose(p);
    return s;
}

bool state_is_gone(const RuncState &s) {
    return s.status != 0 && s.output.find("does not exist") != std::string::npos;
}

// Poll `runc state` until the runtime no longer knows the container, for up
// to timeout; the last answer either way.
RuncState wait_for_state_gone(const std::string &runc_root, const std::string &id,
                              std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    RuncState s = runc_state(runc_root, id);
    while (!state_is_gone(s) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        s = runc_state(runc_root, id);
    }
    return s;
}

// A live process (a zombie counts as gone: it runs nothing any more).
bool process_alive(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// The shim exits once it has answered the delete request; give it a moment.
bool wait_for_exit_of(int pid, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (process_alive(pid)) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace

TEST_F(ExecRunc, RuntimeStateIsDeletedWhenTheInitExits) {
    create("early", {"sh", "-c", "exit 3"}, pipes_stdio(-1, -1, -1));
    const json st = state("early");
    ASSERT_TRUE(st.contains("shim_pid")) << st.dump();
    const int shim_pid = st["shim_pid"].get<int>();
    // While the init runs (created, not started) the runtime knows it.
    ASSERT_EQ(runc_state(runc_root_, ids_["early"]).status, 0);
    start("early");
    EXPECT_EQ(wait("early"), 3);
    json ev = json::parse(host_->wait_event("exit", 5000), nullptr, false);
    ASSERT_TRUE(ev.is_object()) << "no exit event";
    EXPECT_EQ(ev["exit_code"], 3);

    // Nobody asked for a delete: the shim started it at the exit.
    const RuncState after_exit = wait_for_state_gone(runc_root_, ids_["early"], std::chrono::seconds(5));
    EXPECT_TRUE(state_is_gone(after_exit)) << "runc state still answers: " << after_exit.output;
    // The shim stays, with the exit record, until berthd deletes.
    EXPECT_TRUE(process_alive(shim_pid));
    EXPECT_EQ(state("early")["status"], "stopped");
    EXPECT_EQ(state("early")["exit_code"], 3);

    remove("early");
    EXPECT_TRUE(wait_for_exit_of(shim_pid, std::chrono::seconds(5))) << "shim " << shim_pid << " outlived the delete";
    EXPECT_FALSE(fs::exists(ctr_dir("early") + "/shim.sock"));
    berth_call call;
    char *out = nullptr;
    EXPECT_EQ(host_->ops()->state(host_->instance(), &call, ids_["early"].c_str(), &out), BERTH_E_NOTFOUND);
    std::free(out);
}

// A delete sent right after a kill joins the early delete the init's exit
// started, rather than racing it with a second one: it answers ok.
TEST_F(ExecRunc, DeleteRightAfterAKilledInitExitsSucceeds) {
    create("killed", {"sleep", "100"}, pipes_stdio(-1, -1, -1));
    start("killed");
    const int shim_pid = state("killed")["shim_pid"].get<int>();
    kill("killed", SIGKILL);
    EXPECT_EQ(wait("killed"), 137);
    remove("killed");
    EXPECT_TRUE(state_is_gone(runc_state(runc_root_, ids_["killed"])));
    EXPECT_TRUE(wait_for_exit_of(shim_pid, std::chrono::seconds(5)));
}

// No early delete ran (the init is alive: a forced removal of a running
// container): the delete request runs the runtime's delete itself.
TEST_F(ExecRunc, DeleteOfARunningContainerStillDeletesTheRuntimeState) {
    const int init_pid = create("running", {"sleep", "100"}, pipes_stdio(-1, -1, -1));
    start("running");
    const int shim_pid = state("running")["shim_pid"].get<int>();
    ASSERT_EQ(state("running")["status"], "running");
    remove("running");
    const RuncState after = runc_state(runc_root_, ids_["running"]);
    EXPECT_TRUE(state_is_gone(after)) << "runc state still answers: " << after.output;
    EXPECT_TRUE(wait_for_exit_of(init_pid, std::chrono::seconds(5))) << "the init outlived the delete";
    EXPECT_TRUE(wait_for_exit_of(shim_pid, std::chrono::seconds(5))) << "shim " << shim_pid << " outlived the delete";
}

// Same for a container created and never started (docker create; docker rm).
// (Test names stay short: they name a directory on the shim socket path.)
TEST_F(ExecRunc, DeleteOfANeverStartedContainerDeletesItsState) {
    create("created", {"sleep", "100"}, pipes_stdio(-1, -1, -1));
    const int shim_pid = state("created")["shim_pid"].get<int>();
    ASSERT_EQ(state("created")["status"], "created");
    remove("created");
    const RuncState after = runc_state(runc_root_, ids_["created"]);
    EXPECT_TRUE(state_is_gone(after)) << "runc state still answers: " << after.output;
    EXPECT_TRUE(wait_for_exit_of(shim_pid, std::chrono::seconds(5))) << "shim " << shim_pid << " outlived the delete";
}
