// cgroup_stats against fake cgroup trees (v1 hybrid and v2): the files
// Docker's stats fields come from, parsed into its shape. No root needed:
// the tree lives in a temp dir at the paths this process's own
// /proc/self/cgroup names.
#include "cgroup_stats.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;
using berth::execrunc::cgroup_stats_json;
using berth::execrunc::set_cgroup_root_for_testing;

namespace {

// controller list → path, as in /proc/self/cgroup.
std::map<std::string, std::string> own_cgroups() {
    std::map<std::string, std::string> out;
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        out[line.substr(a + 1, b - a - 1)] = line.substr(b + 1);
    }
    return out;
}

void put(const fs::path &p, const std::string &body) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << body;
}

class CgroupStats : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-test-cgstats-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        set_cgroup_root_for_testing(root_);
    }
    void TearDown() override {
        set_cgroup_root_for_testing("/sys/fs/cgroup");
        if (!root_.empty()) fs::remove_all(root_);
    }
    // The directory of v1 controller (by its /proc/self/cgroup name).
    fs::path v1(const std::string &controller) {
        auto cg = own_cgroups();
        for (auto &[name, path] : cg) {
            std::string list = "," + name + ",";
            if (list.find("," + controller + ",") != std::string::npos)
                return fs::path(root_ + "/" + name + path);
        }
        return {};
    }
    std::string root_;
};

TEST_F(CgroupStats, V1FilesBecomeDockersShape) {
    auto cg = own_cgroups();
    for (const char *c : {"memory", "cpuacct", "cpu", "pids", "blkio"})
        if (v1(c).empty()) GTEST_SKIP() << "this process has no v1 " << c << " cgroup line";
    put(v1("memory") / "memory.usage_in_bytes", "4096000\n");
    put(v1("memory") / "memory.limit_in_bytes", "9223372036854771712\n");
    put(v1("memory") / "memory.max_usage_in_bytes", "5000000\n");
    put(v1("memory") / "memory.stat", "cache 100\ntotal_inactive_file 2048\n");
    put(v1("cpuacct") / "cpuacct.usage", "123456789\n");
    put(v1("cpuacct") / "cpuacct.usage_percpu", "100 200 \n");
    put(v1("cpuacct") / "cpuacct.stat", "user 3\nsystem 4\n");
    put(v1("cpu") / "cpu.stat", "nr_periods 7\nnr_throttled 1\nthrottled_time 99\n");
    put(v1("pids") / "pids.current", "3\n");
    put(v1("pids") / "pids.max", "max\n");
    put(v1("blkio") / "blkio.throttle.io_service_bytes_recursive",
        "8:0 Read 1024\n8:0 Write 2048\n8:0 Total 3072\nTotal 3072\n");
    json s = json::parse(cgroup_stats_json(getpid()));
    EXPECT_EQ(s["memory_stats"]["usage"], 4096000);
    EXPECT_EQ(s["memory_stats"]["max_usage"], 5000000);
    EXPECT_EQ(s["memory_stats"]["stats"]["total_inactive_file"], 2048);
    // Unlimited shows the host's memory.
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    EXPECT_EQ(s["memory_stats"]["limit"].get<unsigned long long>(),
              static_cast<unsigned long long>(pages) * static_cast<unsigned long long>(size));
    EXPECT_EQ(s["cpu_stats"]["cpu_usage"]["total_usage"], 123456789);
    EXPECT_EQ(s["cpu_stats"]["cpu_usage"]["percpu_usage"], json::array({100, 200}));
    EXPECT_GT(s["cpu_stats"]["cpu_usage"]["usage_in_usermode"].get<long long>(), 0);
    EXPECT_EQ(s["cpu_stats"]["throttling_data"]["throttled_periods"], 1);
    EXPECT_EQ(s["pids_stats"]["current"], 3);
    EXPECT_FALSE(s["pids_stats"].contains("limit"));
    json io = s["blkio_stats"]["io_service_bytes_recursive"];
    ASSERT_EQ(io.size(), 3u) << io.dump();
    EXPECT_EQ(io[0], json({{"major", 8}, {"minor", 0}, {"op", "read"}, {"value", 1024}}));
    EXPECT_EQ(io[2]["op"], "total");
    EXPECT_GT(s["cpu_stats"]["system_cpu_usage"].get<unsigned long long>(), 0u);
    EXPECT_TRUE(s.contains("read"));
}

TEST_F(CgroupStats, V2FilesBecomeDockersShape) {
    auto cg = own_cgroups();
    if (cg.count("") == 0) GTEST_SKIP() << "this process has no cgroup v2 line";
    fs::path dir = fs::path(root_ + cg[""]);
    put(fs::path(root_) / "cgroup.controllers", "cpu memory pids io\n");
    put(dir / "memory.current", "8192\n");
    put(dir / "memory.max", "1048576\n");
    put(dir / "memory.stat", "anon 10\ninactive_file 512\n");
    put(dir / "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n");
    put(dir / "pids.current", "2\n");
    put(dir / "pids.max", "50\n");
    put(dir / "io.stat", "259:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
    json s = json::parse(cgroup_stats_json(getpid()));
    EXPECT_EQ(s["memory_stats"]["usage"], 8192);
    EXPECT_EQ(s["memory_stats"]["limit"], 1048576);
    EXPECT_EQ(s["memory_stats"]["stats"]["inactive_file"], 512);
    EXPECT_EQ(s["cpu_stats"]["cpu_usage"]["total_usage"], 1500000);
    EXPECT_EQ(s["cpu_stats"]["cpu_usage"]["usage_in_kernelmode"], 500000);
    EXPECT_EQ(s["pids_stats"]["current"], 2);
    EXPECT_EQ(s["pids_stats"]["limit"], 50);
    json io = s["blkio_stats"]["io_service_bytes_recursive"];
    ASSERT_EQ(io.size(), 2u) << io.dump();
    EXPECT_EQ(io[0], json({{"major", 259}, {"minor", 0}, {"op", "read"}, {"value", 4096}}));
    EXPECT_EQ(io[1]["op"], "write");
}

TEST_F(CgroupStats, MissingCgroupFilesAreNamed) {
    try {
        cgroup_stats_json(getpid());
        FAIL() << "expected an error for an empty cgroup tree";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("memory"), std::string::npos) << e.what();
    }
    EXPECT_THROW(cgroup_stats_json(0), std::runtime_error);
}

} // namespace
