// berth-shim hosting the json-file log driver (the built log-json plugin):
// lines with their stream, long lines cut into 16 KiB parts, a pty logged
// as stdout, a library that does not load failing create, output drained
// when nobody reads it, and logging with no plugin instance (berthd down).
#include "exec_runc_fixture.hpp"

using namespace exec_runc_test;

namespace {

// The json-file entries of path, in order.
std::vector<json> log_entries(const std::string &path) {
    std::vector<json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
}

// options_json's "log" for the json-file driver writing to log_path.
json json_file_log(const std::string &log_path) {
    return {{"log",
             {{"library", BERTH_LOG_JSON_PLUGIN},
              {"info",
               {{"v", 1},
                {"id", "c0ffee"},
                {"name", "/logged"},
                {"config", json::object()},
                {"log_path", log_path},
                {"created", "2026-01-01T00:00:00Z"}}}}}};
}

// The log text of one stream, parts joined.
std::string stream_text(const std::vector<json> &entries, const std::string &stream) {
    std::string s;
    for (const auto &e : entries)
        if (e.value("stream", "") == stream) s += e.value("log", "");
    return s;
}

} // namespace

TEST_F(ExecRunc, LogDriverGetsLinesStreamsAndPartsOfLongLines) {
    const std::string log_path = dir_ + "/logged-json.log";
    // 40000 bytes without a newline: parts of 16384, 16384, then the rest
    // with its "\n". Output that never ends in a newline is flushed at exit.
    create("logged",
           {"sh", "-c", "echo out; echo err >&2; head -c 40000 /dev/zero | tr '\\0' x; echo; printf tail"},
           pipes_stdio(-1, -1, -1), json_file_log(log_path));
    start("logged");
    EXPECT_EQ(wait("logged"), 0);
    std::vector<json> entries = log_entries(log_path);
    ASSERT_FALSE(entries.empty()) << "no log file at " << log_path;
    EXPECT_EQ(stream_text(entries, "stderr"), "err\n");
    EXPECT_EQ(stream_text(entries, "stdout"), "out\n" + std::string(40000, 'x') + "\n" + "tail\n");
    std::vector<size_t> sizes;
    for (const auto &e : entries) {
        EXPECT_TRUE(e.contains("time")) << e.dump();
        if (e.value("stream", "") == "stdout") sizes.push_back(e.value("log", "").size());
    }
    EXPECT_EQ(sizes, (std::vector<size_t>{4, 16384, 16384, 40000 - 2 * 16384 + 1, 5}));
    remove("logged");
}

TEST_F(ExecRunc, LogDriverGetsTerminalOutputAsStdout) {
    const std::string log_path = dir_ + "/tty-json.log";
    berth_exec_stdio s = pipes_stdio(-1, -1, -1);
    s.terminal = 1;
    create("ttylog", {"sh", "-c", "echo one; echo two >&2"}, s, json_file_log(log_path));
    start("ttylog");
    EXPECT_EQ(wait("ttylog"), 0);
    std::vector<json> entries = log_entries(log_path);
    EXPECT_EQ(stream_text(entries, "stdout"), "one\r\ntwo\r\n");
    EXPECT_EQ(stream_text(entries, "stderr"), "");
    remove("ttylog");
}

TEST_F(ExecRunc, LogLibraryThatDoesNotLoadFailsCreateNamingIt) {
    json missing = json_file_log(dir_ + "/never.log");
    missing["log"]["library"] = dir_ + "/libberth-log-missing.so";
    create("nolib", {"true"}, pipes_stdio(-1, -1, -1), missing, {}, false);
    EXPECT_EQ(last_create_.code, BERTH_E_INVAL);
    EXPECT_NE(last_create_.message.find(dir_ + "/libberth-log-missing.so"), std::string::npos)
        << last_create_.message;

    // A Berth plugin, but not a log driver.
    json wrong = json_file_log(dir_ + "/never.log");
    wrong["log"]["library"] = EXEC_RUNC_PLUGIN;
    create("notlog", {"true"}, pipes_stdio(-1, -1, -1), wrong, {}, false);
    EXPECT_EQ(last_create_.code, BERTH_E_INVAL);
    EXPECT_NE(last_create_.message.find("serves no log driver"), std::string::npos) << last_create_.message;
    EXPECT_FALSE(fs::exists(dir_ + "/never.log"));
}

// No client, no log driver: the shim still reads the pipes, so a process
// writing far more than a pipe holds (64 KiB) runs to its end.
TEST_F(ExecRunc, OutputIsDrainedWithoutReaders) {
    create("noisy", {"sh", "-c", "head -c 2000000 /dev/zero; head -c 2000000 /dev/zero >&2"},
           pipes_stdio(-1, -1, -1), json{{"log", nullptr}});
    start("noisy");
    EXPECT_EQ(wait("noisy"), 0);
    remove("noisy");
}

// The shim logs by itself: with no plugin instance at all (berthd down),
// output still reaches the log file.
TEST_F(ExecRunc, LoggingGoesOnWhileTheDaemonIsDown) {
    const std::string log_path = dir_ + "/down-json.log";
    Pipe in;
    create("down", {"sh", "-c", "read x; echo got-$x"}, pipes_stdio(in.r, -1, -1), json_file_log(log_path));
    start("down");
    host_.reset();
    // Only now does the container print anything.
    ASSERT_EQ(write(in.w, "late\n", 5), 5);
    in.close_w();
    const std::string exit_file = ctr_dir("down") + "/exit";
    for (int i = 0; i < 200 && !fs::exists(exit_file); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(exit_file)) << "the container did not finish";
    EXPECT_EQ(stream_text(log_entries(log_path), "stdout"), "got-late\n");
    host_ = std::make_unique<TestHost>(EXEC_RUNC_PLUGIN, dir_ + "/run");
    berth_call call;
    ASSERT_EQ(host_->ops()->restore(host_->instance(), &call, ids_["down"].c_str(), options_["down"].c_str()),
              BERTH_OK)
        << call.message;
    EXPECT_EQ(wait("down"), 0);
    remove("down");
}
