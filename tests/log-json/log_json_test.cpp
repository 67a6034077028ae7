// The json-file log driver through its C ABI, as berthd and the shim use it.
#include "log_host.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int64_t base_time = 1700000000000000000; // 2023-11-14T22:13:20Z

LogPlugin &plugin() {
    static LogPlugin p(BERTH_LOG_JSON_PLUGIN);
    return p;
}

class LogJson : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-test-logjson-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = (dir_ / "c-json.log").string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string info(const nlohmann::json &config, const nlohmann::json &extra = nlohmann::json::object()) {
        nlohmann::json j{{"v", 1}, {"id", "abc"}, {"name", "/c"}, {"config", config}, {"log_path", path_}};
        for (const auto &[k, v] : extra.items()) j[k] = v;
        return j.dump();
    }

    berth_log_stream *start(const nlohmann::json &config, const nlohmann::json &extra = nlohmann::json::object()) {
        berth_call call;
        berth_log_stream *s = nullptr;
        EXPECT_EQ(plugin().ops().start(plugin().self(), &call, info(config, extra).c_str(), &s), BERTH_OK)
            << call.message;
        return s;
    }
    void stop(berth_log_stream *s) {
        berth_call call;
        EXPECT_EQ(plugin().ops().stop(plugin().self(), &call, s), BERTH_OK) << call.message;
    }

    static berth_log_entry entry(const std::string &line, int64_t t, uint32_t src = BERTH_LOG_STDOUT) {
        berth_log_entry e{};
        e.struct_size = sizeof e;
        e.source = src;
        e.time_unix_nano = t;
        e.line = {line.data(), line.size()};
        return e;
    }

    void log(berth_log_stream *s, const std::vector<berth_log_entry> &es) {
        berth_call call;
        ASSERT_EQ(plugin().ops().log_batch(plugin().self(), &call, s, es.data(), es.size()), BERTH_OK)
            << call.message;
    }
    // n lines "<prefix>-<i>\n", one per batch, time base + i seconds.
    void log_lines(berth_log_stream *s, int from, int to, const std::string &prefix = "line") {
        for (int i = from; i < to; ++i) {
            const std::string l = prefix + "-" + std::to_string(i) + "\n";
            log(s, {entry(l, base_time + int64_t{i} * 1000000000)});
        }
    }

    // read() into a pipe drained by a thread; returns the output lines.
    std::vector<nlohmann::json> read_all(const nlohmann::json &opts, std::string *raw = nullptr) {
        int p[2];
        EXPECT_EQ(::pipe(p), 0);
        std::string out;
        std::thread drain([&] {
            char buf[4096];
            ssize_t r;
            while ((r = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(r));
        });
        berth_call call;
        const int32_t rc =
            plugin().ops().read(plugin().self(), &call, info(nlohmann::json::object()).c_str(), opts.dump().c_str(), p[1]);
        ::close(p[1]);
        drain.join();
        ::close(p[0]);
        EXPECT_EQ(rc, BERTH_OK) << call.message;
        if (raw != nullptr) *raw = out;
        std::vector<nlohmann::json> lines;
        std::istringstream in(out);
        for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
        return lines;
    }

    static std::string slurp(const std::string &p) {
        std::ifstream f(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    }
    static std::string gunzip(const std::string &p) {
        gzFile f = gzopen(p.c_str(), "rb");
        EXPECT_NE(f, nullptr);
        std::string out;
        char buf[4096];
        int r;
        while ((r = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(r));
        gzclose(f);
        return out;
    }

    fs::path dir_;
    std::string path_;
};

int32_t validate(const char *opts, std::string *msg = nullptr) {
    berth_call call;
    const int32_t rc = plugin().ops().validate_opts(plugin().self(), &call, opts);
    if (msg != nullptr) *msg = call.message;
    return rc;
}

TEST(LogJsonPlugin, DeclaresThreadSafe) { EXPECT_NE(plugin().caps() & BERTH_CAP_THREADSAFE, 0u); }

TEST(LogJsonPlugin, ValidateOpts) {
    std::string msg;
    EXPECT_EQ(validate(R"({"max-size":"10m","max-file":"3","compress":"true","labels":"a,b","labels-regex":"^x","env":"E","env-regex":"^E","tag":"{{.Name}}"})"), BERTH_OK);
    EXPECT_EQ(validate(R"({"max-size":"-1"})"), BERTH_OK);
    EXPECT_EQ(validate(nullptr), BERTH_OK);
    EXPECT_EQ(validate(R"({"max-sise":"1m"})", &msg), BERTH_E_INVAL);
    EXPECT_EQ(msg, "unknown log opt 'max-sise' for json-file log driver");
    EXPECT_EQ(validate(R"({"max-file":"0"})", &msg), BERTH_E_INVAL);
    EXPECT_EQ(msg, "max-file cannot be less than 1");
    EXPECT_EQ(validate(R"({"max-file":"x"})", &msg), BERTH_E_INVAL);
    EXPECT_NE(msg.find("max-file"), std::string::npos);
    EXPECT_EQ(validate(R"({"max-size":"ten"})", &msg), BERTH_E_INVAL);
    EXPECT_EQ(msg, "invalid size: 'ten'");
    EXPECT_EQ(validate(R"({"max-size":"0"})", &msg), BERTH_E_INVAL);
    EXPECT_EQ(msg, "max-size must be a positive number");
    EXPECT_EQ(validate(R"({"compress":"maybe"})", &msg), BERTH_E_INVAL);
    EXPECT_NE(msg.find("compress"), std::string::npos);
    EXPECT_EQ(validate(R"({"labels-regex":"("})", &msg), BERTH_E_INVAL);
    EXPECT_NE(msg.find("labels-regex"), std::string::npos);
}

// The bytes dockerd (moby daemon/logger/jsonfilelog + jsonlog) writes for
// these entries: key order log, stream, attrs, time; Go's HTML-safe string
// escaping; RFC3339Nano in UTC with trailing zeros dropped.
TEST_F(LogJson, LineFormatMatchesDockerByteForByte) {
    auto *s = start(nlohmann::json::object());
    ASSERT_NE(s, nullptr);
    log(s, {entry("hello world\n", base_time),
            entry("<a href=\"x\">&</a>\ttab\\ \x01\r\n", base_time + 123456789, BERTH_LOG_STDERR),
            entry("no newline at EOF", base_time + 120000000),
            entry("caf\xc3\xa9 \xff \xe2\x80\xa8\n", base_time + 1)});
    stop(s);
    EXPECT_EQ(slurp(path_),
              "{\"log\":\"hello world\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20Z\"}\n"
              "{\"log\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\\ttab\\\\ \\u0001\\r\\n\","
              "\"stream\":\"stderr\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n"
              "{\"log\":\"no newline at EOF\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.12Z\"}\n"
              "{\"log\":\"caf\xc3\xa9 \\ufffd \\u2028\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.000000001Z\"}\n");
}

TEST_F(LogJson, AttrsFromLabelsAndEnv) {
    auto *s = start({{"labels", "com.a,missing"}, {"env-regex", "^X"}},
                    {{"labels", {{"com.a", "1"}, {"com.b", "2"}}}, {"env", {"XA=y<", "ZED=w", "XB=v"}}});
    ASSERT_NE(s, nullptr);
    log(s, {entry("x\n", base_time)});
    stop(s);
    EXPECT_EQ(slurp(path_), "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"attrs\":{\"XA\":\"y\\u003c\",\"XB\":\"v\","
                            "\"com.a\":\"1\"},\"time\":\"2023-11-14T22:13:20Z\"}\n");
    const auto plain = read_all({{"tail", -1}});
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_FALSE(plain[0].contains("attrs"));
    const auto detailed = read_all({{"tail", -1}, {"details", true}});
    ASSERT_EQ(detailed.size(), 1u);
    EXPECT_EQ(detailed[0]["attrs"]["com.a"], "1");
    EXPECT_EQ(detailed[0]["log"], "x\n");
}

TEST_F(LogJson, PartialMessages) {
    auto *s = start(nlohmann::json::object());
    ASSERT_NE(s, nullptr);
    // entry() borrows the text, as the ABI does: keep it alive.
    const std::string a = "AAAA", b = "BBBB", c = "CC\n";
    auto p1 = entry(a, base_time);
    p1.partial = 1;
    p1.partial_ordinal = 1;
    auto p2 = entry(b, base_time + 1);
    p2.partial = 1;
    p2.partial_ordinal = 2;
    auto last = entry(c, base_time + 2);
    last.partial_ordinal = 3;
    log(s, {p1, p2, last});
    stop(s);
    EXPECT_EQ(slurp(path_),
              "{\"log\":\"AAAA\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20Z\"}\n"
              "{\"log\":\"BBBB\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.000000001Z\"}\n"
              "{\"log\":\"CC\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.000000002Z\"}\n");
    const auto back = read_all({{"tail", -1}});
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[0]["log"], "AAAA");
    EXPECT_EQ(back[2]["log"], "CC\n");
}

TEST_F(LogJson, RotatesAtMaxSizeKeepingMaxFile) {
    auto *s = start({{"max-size", "200"}, {"max-file", "3"}});
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 40); // each line ~70 bytes: rotates every 3 lines
    stop(s);
    EXPECT_TRUE(fs::exists(path_));
    EXPECT_TRUE(fs::exists(path_ + ".1"));
    EXPECT_TRUE(fs::exists(path_ + ".2"));
    EXPECT_FALSE(fs::exists(path_ + ".3"));
    for (const auto &f : {path_, path_ + ".1", path_ + ".2"}) EXPECT_LT(fs::file_size(f), 200u + 80u) << f;
    // The newest lines are in the live file, the ones before in .1.
    EXPECT_NE(slurp(path_).find("line-39"), std::string::npos);
    EXPECT_EQ(slurp(path_ + ".1").find("line-39"), std::string::npos);
    const auto all = read_all({{"tail", -1}});
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back()["log"], "line-39\n");
    // Contiguous: nothing lost in the kept files.
    const int first = std::stoi(all.front()["log"].get<std::string>().substr(5));
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]["log"], "line-" + std::to_string(first + int(i)) + "\n");
}

TEST_F(LogJson, MaxFileOneTruncates) {
    auto *s = start({{"max-size", "200"}, {"max-file", "1"}});
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 10);
    stop(s);
    EXPECT_FALSE(fs::exists(path_ + ".1"));
    EXPECT_LT(fs::file_size(path_), 280u);
    EXPECT_NE(slurp(path_).find("line-9"), std::string::npos);
}

TEST_F(LogJson, CompressGzipsRotatedFilesAndTailReadsThem) {
    auto *s = start({{"max-size", "200"}, {"max-file", "4"}, {"compress", "true"}});
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 30);
    stop(s);
    EXPECT_TRUE(fs::exists(path_ + ".1.gz"));
    EXPECT_TRUE(fs::exists(path_ + ".3.gz"));
    EXPECT_FALSE(fs::exists(path_ + ".1"));
    EXPECT_FALSE(fs::exists(path_ + ".4.gz"));
    EXPECT_NE(gunzip(path_ + ".1.gz").find("\"stream\":\"stdout\""), std::string::npos);
    // tail 8 spans the live file and at least two compressed ones.
    const auto tail = read_all({{"tail", 8}});
    ASSERT_EQ(tail.size(), 8u);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(tail[size_t(i)]["log"], "line-" + std::to_string(22 + i) + "\n");
    EXPECT_TRUE(read_all({{"tail", 0}}).empty());
}

TEST_F(LogJson, SinceAndUntil) {
    auto *s = start(nlohmann::json::object());
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 10);
    stop(s);
    const auto r = read_all({{"since", base_time + 3000000000}, {"until", base_time + 6000000000}});
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r.front()["log"], "line-3\n");
    EXPECT_EQ(r.back()["log"], "line-6\n");
    EXPECT_EQ(r.front()["time"], "2023-11-14T22:13:23Z");
    EXPECT_EQ(r.front()["stream"], "stdout");
    // tail applies first, then since.
    EXPECT_EQ(read_all({{"tail", 2}, {"since", base_time + 3000000000}}).size(), 2u);
    EXPECT_EQ(read_all({{"tail", 5}, {"since", base_time + 8000000000}}).size(), 2u);
}

// Cancels a following read() and joins its thread, also when an ASSERT
// leaves the test early (an unjoined std::thread would abort the binary).
struct FollowThread {
    berth_call &call;
    std::thread thread;
    ~FollowThread() {
        call.cancelled = 1;
        if (thread.joinable()) thread.join();
    }
};

// Reads lines from a pipe until `want` have arrived or 10 s pass.
std::vector<std::string> read_lines(int fd, size_t want, std::string &carry) {
    std::vector<std::string> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
        for (size_t nl; (nl = carry.find('\n')) != std::string::npos; carry.erase(0, nl + 1))
            out.push_back(carry.substr(0, nl));
        if (out.size() >= want) break;
        char buf[4096];
        const ssize_t r = ::read(fd, buf, sizeof buf);
        if (r > 0) carry.append(buf, size_t(r));
        else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return out;
}

TEST_F(LogJson, FollowPicksUpNewLinesAcrossRotationUntilCancelled) {
    auto *s = start({{"max-size", "200"}, {"max-file", "3"}, {"compress", "true"}});
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 2);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_NONBLOCK), 0);
    berth_call call;
    int32_t rc = -100;
    const std::string inf = info(nlohmann::json::object());
    FollowThread reader{call, std::thread([&] {
        rc = plugin().ops().read(plugin().self(), &call, inf.c_str(), R"({"v":1,"tail":-1,"follow":true})", p[1]);
    })};
    std::string carry;
    auto got = read_lines(p[0], 2, carry);
    ASSERT_EQ(got.size(), 2u);
    log_lines(s, 2, 4);
    auto more = read_lines(p[0], 2, carry);
    ASSERT_EQ(more.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(more[1])["log"], "line-3\n");
    log_lines(s, 4, 12); // several rotations
    more = read_lines(p[0], 8, carry);
    ASSERT_EQ(more.size(), 8u);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(nlohmann::json::parse(more[size_t(i)])["log"], "line-" + std::to_string(4 + i) + "\n");
    call.cancelled = 1;
    reader.thread.join();
    EXPECT_EQ(rc, BERTH_OK) << call.message;
    stop(s);
    ::close(p[0]);
    ::close(p[1]);
}

TEST_F(LogJson, FollowEndsWhenTheReaderGoesAway) {
    auto *s = start(nlohmann::json::object());
    ASSERT_NE(s, nullptr);
    log_lines(s, 0, 1);
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    berth_call call;
    int32_t rc = -100;
    const std::string inf = info(nlohmann::json::object());
    FollowThread reader{call, std::thread([&] {
        rc = plugin().ops().read(plugin().self(), &call, inf.c_str(), R"({"v":1,"follow":true})", p[1]);
    })};
    std::string carry;
    ASSERT_EQ(read_lines(p[0], 1, carry).size(), 1u);
    ::close(p[0]);
    reader.thread.join(); // would hang if the driver kept following
    EXPECT_EQ(rc, BERTH_OK) << call.message;
    ::close(p[1]);
    stop(s);
}

TEST_F(LogJson, TwoStreamsConcurrently) {
    const std::string other = (dir_ / "other-json.log").string();
    auto *a = start({{"max-size", "10k"}, {"max-file", "100"}});
    berth_call call;
    berth_log_stream *b = nullptr;
    nlohmann::json jb{{"v", 1}, {"config", {{"max-size", "10k"}, {"max-file", "100"}}}, {"log_path", other}};
    ASSERT_EQ(plugin().ops().start(plugin().self(), &call, jb.dump().c_str(), &b), BERTH_OK) << call.message;
    auto work = [&](berth_log_stream *s, const std::string &tag) {
        std::vector<std::string> text(50);
        for (int batch = 0; batch < 40; ++batch) {
            std::vector<berth_log_entry> es;
            for (int i = 0; i < 50; ++i) {
                text[size_t(i)] = tag + "-" + std::to_string(batch * 50 + i) + "\n";
                es.push_back(entry(text[size_t(i)], base_time + batch * 50 + i));
            }
            berth_call c;
            EXPECT_EQ(plugin().ops().log_batch(plugin().self(), &c, s, es.data(), es.size()), BERTH_OK) << c.message;
        }
    };
    std::thread ta(work, a, std::string("a"));
    std::thread tb(work, b, std::string("b"));
    ta.join();
    tb.join();
    stop(a);
    stop(b);
    const auto lines = read_all({{"tail", -1}});
    ASSERT_EQ(lines.size(), 2000u);
    for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i]["log"], "a-" + std::to_string(i) + "\n");
    EXPECT_NE(slurp(other).find("b-1999"), std::string::npos);
}

TEST_F(LogJson, StartRejectsBadConfigAndMissingPath) {
    berth_call call;
    berth_log_stream *s = nullptr;
    EXPECT_EQ(plugin().ops().start(plugin().self(), &call, info({{"bogus", "1"}}).c_str(), &s), BERTH_E_INVAL);
    EXPECT_EQ(call.message, "unknown log opt 'bogus' for json-file log driver");
    berth_call call2;
    EXPECT_EQ(plugin().ops().start(plugin().self(), &call2, R"({"v":1})", &s), BERTH_E_INVAL);
    EXPECT_NE(call2.message.find("log_path"), std::string::npos);
}

} // namespace
