// exec-runc + berth-shim with real runc on a busybox rootfs: create/start,
// exit codes, signals, pty, a second attach, re-adoption by a new plugin
// instance (daemon restart), and a shim killed with SIGKILL.
#include "exec_runc_fixture.hpp"

using namespace exec_runc_test;

TEST_F(ExecRunc, EchoOutputArrivesAndExitZeroIsReported) {
    Pipe out, err;
    int pid = create("echo", {"echo", "hi"}, pipes_stdio(-1, out.w, err.w));
    out.close_w();
    err.close_w();
    EXPECT_GT(pid, 1);
    EXPECT_EQ(state("echo")["status"], "created");
    start("echo");
    EXPECT_EQ(read_all(out.r), "hi\n");
    EXPECT_EQ(wait("echo"), 0);
    json ev = json::parse(host_->wait_event("exit", 5000));
    EXPECT_EQ(ev["id"], ids_["echo"]);
    EXPECT_EQ(ev["exit_code"], 0);
    EXPECT_TRUE(ev["exec_id"].is_null());
    json st = state("echo");
    EXPECT_EQ(st["status"], "stopped");
    EXPECT_EQ(st["exit_code"], 0);
    remove("echo");
}

TEST_F(ExecRunc, ExitCodeAndStderrPropagate) {
    Pipe out, err;
    create("exit3", {"sh", "-c", "echo oops >&2; exit 3"}, pipes_stdio(-1, out.w, err.w));
    out.close_w();
    err.close_w();
    start("exit3");
    EXPECT_EQ(read_all(err.r), "oops\n");
    EXPECT_EQ(wait("exit3"), 3);
    remove("exit3");
}

TEST_F(ExecRunc, StdinIsFedAndClosed) {
    Pipe in, out;
    create("cat", {"cat"}, pipes_stdio(in.r, out.w, -1));
    out.close_w();
    start("cat");
    ASSERT_EQ(write(in.w, "abc\n", 4), 4);
    in.close_w();
    EXPECT_EQ(read_all(out.r), "abc\n");
    EXPECT_EQ(wait("cat"), 0);
    remove("cat");
}

// A pid-namespace init ignores SIGTERM without a handler (kernel rule, as
// with `docker run busybox sleep`), so tini (as --init would) runs as PID 1
// and forwards it; sleep dies of the signal and tini reports 128+15.
TEST_F(ExecRunc, SigtermGives143) {
    if (access("/usr/bin/tini-static", X_OK) != 0) GTEST_SKIP() << "tini-static is not installed";
    Pipe out;
    create("sleep", {"/tini", "--", "sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("sleep");
    EXPECT_EQ(state("sleep")["status"], "running");
    kill("sleep", SIGTERM);
    EXPECT_EQ(wait("sleep"), 143);
    remove("sleep");
}

TEST_F(ExecRunc, TerminalGivesAPty) {
    Pipe out;
    berth_exec_stdio s = pipes_stdio(-1, out.w, -1);
    s.terminal = 1;
    s.rows = 33;
    s.cols = 77;
    create("tty", {"sh", "-c", "[ -t 1 ] && echo tty; stty size"}, s);
    out.close_w();
    start("tty");
    std::string got = read_all(out.r);
    EXPECT_NE(got.find("tty\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("33 77"), std::string::npos) << got;
    EXPECT_EQ(wait("tty"), 0);
    remove("tty");
}

TEST_F(ExecRunc, SecondAttachReceivesOutput) {
    Pipe out, out2;
    Pipe in;  // the container must have a stdin (docker run -i) to attach one
    create("attach", {"sh", "-c", "read x; echo got-$x"}, pipes_stdio(in.r, out.w, -1));
    out.close_w();
    start("attach");
    Pipe in2;
    berth_exec_stdio s = pipes_stdio(in2.r, out2.w, -1);
    berth_call call;
    ASSERT_EQ(host_->ops()->attach(host_->instance(), &call, ids_["attach"].c_str(), nullptr, &s), BERTH_OK)
        << call.message;
    out2.close_w();
    ASSERT_EQ(write(in2.w, "yes\n", 4), 4);
    EXPECT_EQ(read_all(out2.r), "got-yes\n");
    EXPECT_EQ(read_all(out.r), "got-yes\n");
    EXPECT_EQ(wait("attach"), 0);
    remove("attach");
}

TEST_F(ExecRunc, NewInstanceReadoptsRunningContainer) {
    Pipe out;
    create("restore", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("restore");
    // Daemon death: the instance is destroyed and the library unloaded.
    host_.reset();
    host_ = std::make_unique<TestHost>(EXEC_RUNC_PLUGIN, dir_ + "/run");
    berth_call call;
    ASSERT_EQ(host_->ops()->restore(host_->instance(), &call, ids_["restore"].c_str(),
                                    options_["restore"].c_str()),
              BERTH_OK)
        << call.message;
    EXPECT_EQ(state("restore")["status"], "running");
    kill("restore", SIGKILL);
    EXPECT_EQ(wait("restore"), 137);
    json ev = json::parse(host_->wait_event("exit", 5000));
    EXPECT_EQ(ev["exit_code"], 137);
    remove("restore");
}

TEST_F(ExecRunc, KilledShimIsReportedStopped) {
    Pipe out;
    create("lost", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("lost");
    json st = state("lost");
    ASSERT_TRUE(st.contains("shim_pid"));
    ::kill(st["shim_pid"].get<int>(), SIGKILL);
    json ev = json::parse(host_->wait_event("exit", 10000));
    EXPECT_EQ(ev["exit_code"], 137);
    st = state("lost");
    EXPECT_EQ(st["status"], "stopped");
    EXPECT_EQ(st["exit_code"], 137);
    remove("lost");
}

TEST_F(ExecRunc, BadBundleFailsWithTheRuntimeMessage) {
    std::string bundle = dir_ + "/bad";
    fs::create_directories(bundle);
    std::string opts = json{{"runtime_path", runc_path},
                            {"runtime_args", {"--root", runc_root_}},
                            {"container_dir", dir_ + "/bad-ctr"}}
                           .dump();
    fs::create_directories(dir_ + "/bad-ctr");
    berth_exec_stdio s = pipes_stdio(-1, -1, -1);
    berth_exec_create_opts o{sizeof o, 0, bundle.c_str(), opts.c_str(), &s};
    berth_call call;
    int32_t pid = 0;
    EXPECT_NE(host_->ops()->create(host_->instance(), &call, "berth-test-bad", &o, &pid), BERTH_OK);
    EXPECT_NE(call.message.find("config.json"), std::string::npos) << call.message;
}

TEST_F(ExecRunc, PauseFreezesAndResumeThaws) {
    Pipe out;
    create("pause", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("pause");
    berth_call call;
    ASSERT_EQ(host_->ops()->pause(host_->instance(), &call, ids_["pause"].c_str()), BERTH_OK)
        << call.message;
    EXPECT_EQ(state("pause")["status"], "paused");
    berth_call again;
    EXPECT_NE(host_->ops()->pause(host_->instance(), &again, ids_["pause"].c_str()), BERTH_OK);
    berth_call call2;
    ASSERT_EQ(host_->ops()->resume(host_->instance(), &call2, ids_["pause"].c_str()), BERTH_OK)
        << call2.message;
    EXPECT_EQ(state("pause")["status"], "running");
    kill("pause", SIGKILL);
    EXPECT_EQ(wait("pause"), 137);
    remove("pause");
}

TEST_F(ExecRunc, PidsListsInit) {
    Pipe out;
    int pid = create("pids", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("pids");
    json pids = json_op(*host_, ids_["pids"], host_->ops()->pids);
    ASSERT_TRUE(pids.is_array()) << pids.dump();
    EXPECT_NE(std::find(pids.begin(), pids.end(), json(pid)), pids.end()) << pids.dump();
    kill("pids", SIGKILL);
    EXPECT_EQ(wait("pids"), 137);
    remove("pids");
}

TEST_F(ExecRunc, UpdateChangesThePidsLimit) {
    Pipe out;
    create("update", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("update");
    berth_call call;
    ASSERT_EQ(host_->ops()->update(host_->instance(), &call, ids_["update"].c_str(),
                                   R"({"pids":{"limit":77}})"),
              BERTH_OK)
        << call.message;
    json st = json_op(*host_, ids_["update"], host_->ops()->stats);
    EXPECT_EQ(st["pids_stats"].value("limit", 0), 77) << st.dump();
    berth_call bad;
    EXPECT_EQ(host_->ops()->update(host_->instance(), &bad, ids_["update"].c_str(), "[1"),
              BERTH_E_INVAL);
    kill("update", SIGKILL);
    EXPECT_EQ(wait("update"), 137);
    remove("update");
}

TEST_F(ExecRunc, StatsReportMemoryAndPids) {
    Pipe out;
    create("stats", {"sleep", "100"}, pipes_stdio(-1, out.w, -1));
    out.close_w();
    start("stats");
    json st = json_op(*host_, ids_["stats"], host_->ops()->stats);
    ASSERT_TRUE(st.is_object()) << st.dump();
    EXPECT_GT(st["memory_stats"].value("usage", 0ULL), 0ULL) << st.dump();
    EXPECT_GT(st["memory_stats"].value("limit", 0ULL), 0ULL);
    EXPECT_TRUE(st["memory_stats"]["stats"].is_object());
    EXPECT_GE(st["pids_stats"].value("current", 0), 1) << st.dump();
    EXPECT_TRUE(st["cpu_stats"]["cpu_usage"].contains("total_usage"));
    EXPECT_GT(st["cpu_stats"].value("system_cpu_usage", 0ULL), 0ULL);
    EXPECT_GE(st["cpu_stats"].value("online_cpus", 0), 1);
    EXPECT_TRUE(st["blkio_stats"]["io_service_bytes_recursive"].is_array());
    kill("stats", SIGKILL);
    EXPECT_EQ(wait("stats"), 137);
    berth_call call;
    char *o = nullptr;
    EXPECT_EQ(host_->ops()->stats(host_->instance(), &call, ids_["stats"].c_str(), &o), BERTH_E_BUSY);
    std::free(o);
    remove("stats");
}

TEST_F(ExecRuncExec, EchoOutputAndExitZero) {
    Pipe out, err;
    int pid = 0;
    ASSERT_EQ(exec("e1", {"echo", "hi"}, pipes_stdio(-1, out.w, err.w), &pid), BERTH_OK);
    out.close_w();
    err.close_w();
    EXPECT_GT(pid, 1);
    EXPECT_EQ(read_all(out.r), "hi\n");
    EXPECT_EQ(exec_wait("e1"), 0);
    json ev = exec_event("e1");
    ASSERT_TRUE(ev.is_object());
    EXPECT_EQ(ev["id"], ids_["box"]);
    EXPECT_EQ(ev["exit_code"], 0);
    EXPECT_EQ(state("box")["status"], "running");
}

TEST_F(ExecRuncExec, ExitCodePropagates) {
    Pipe out;
    ASSERT_EQ(exec("e5", {"sh", "-c", "echo err >&2; exit 5"}, pipes_stdio(-1, -1, out.w)), BERTH_OK);
    out.close_w();
    EXPECT_EQ(read_all(out.r), "err\n");
    EXPECT_EQ(exec_wait("e5"), 5);
    EXPECT_EQ(exec_event("e5")["exit_code"], 5);
    // Waiting again still answers the recorded code.
    EXPECT_EQ(exec_wait("e5"), 5);
}

TEST_F(ExecRuncExec, StdinIsFed) {
    Pipe in, out;
    ASSERT_EQ(exec("cat", {"cat"}, pipes_stdio(in.r, out.w, -1)), BERTH_OK);
    out.close_w();
    ASSERT_EQ(write(in.w, "xyz\n", 4), 4);
    in.close_w();
    EXPECT_EQ(read_all(out.r), "xyz\n");
    EXPECT_EQ(exec_wait("cat"), 0);
}

TEST_F(ExecRuncExec, TerminalGivesAPty) {
    Pipe out;
    berth_exec_stdio s = pipes_stdio(-1, out.w, -1);
    s.terminal = 1;
    s.rows = 21;
    s.cols = 55;
    ASSERT_EQ(exec("tty", {"sh", "-c", "[ -t 1 ] && echo tty; stty size"}, s), BERTH_OK);
    out.close_w();
    std::string got = read_all(out.r);
    EXPECT_NE(got.find("tty\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("21 55"), std::string::npos) << got;
    EXPECT_EQ(exec_wait("tty"), 0);
}

TEST_F(ExecRuncExec, KillEndsTheExecOnly) {
    Pipe out;
    ASSERT_EQ(exec("k", {"sleep", "100"}, pipes_stdio(-1, out.w, -1)), BERTH_OK);
    out.close_w();
    berth_call call;
    ASSERT_EQ(host_->ops()->kill(host_->instance(), &call, ids_["box"].c_str(), "k", SIGKILL, 0), BERTH_OK)
        << call.message;
    EXPECT_EQ(exec_wait("k"), 137);
    EXPECT_EQ(state("box")["status"], "running");
    berth_call again;
    EXPECT_NE(host_->ops()->kill(host_->instance(), &again, ids_["box"].c_str(), "k", SIGKILL, 0), BERTH_OK);
}

TEST_F(ExecRuncExec, UnknownExecAndBadArgsAreRefused) {
    berth_call call;
    int32_t code = 0;
    EXPECT_EQ(host_->ops()->wait(host_->instance(), &call, ids_["box"].c_str(), "nope", &code),
              BERTH_E_NOTFOUND);
    berth_exec_stdio s = pipes_stdio(-1, -1, -1);
    berth_call bad;
    int32_t pid = 0;
    EXPECT_EQ(host_->ops()->exec(host_->instance(), &bad, ids_["box"].c_str(), "a/b",
                                 exec_process({"true"}).dump().c_str(), &s, &pid),
              BERTH_E_INVAL);
    berth_call missing;
    EXPECT_NE(host_->ops()->exec(host_->instance(), &missing, ids_["box"].c_str(), "m",
                                 exec_process({"/no/such/binary"}).dump().c_str(), &s, &pid),
              BERTH_OK);
    EXPECT_NE(missing.message.find("no such file"), std::string::npos) << missing.message;
}
