#include "cgroup_stats.hpp"

#include <nlohmann/json.hpp>

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace berth::execrunc {

namespace {

using nlohmann::json;

std::string g_root = "/sys/fs/cgroup";

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

// A single-number file; 0 when missing ("max" is reported as max_value).
uint64_t read_u64(const std::string &path, uint64_t max_value = 0) {
    std::string s = slurp(path);
    if (s.rfind("max", 0) == 0) return max_value;
    return std::strtoull(s.c_str(), nullptr, 10);
}

// "key value" lines (memory.stat, cpu.stat, cpuacct.stat).
std::map<std::string, uint64_t> read_kv(const std::string &path) {
    std::map<std::string, uint64_t> out;
    std::istringstream in(slurp(path));
    std::string k;
    uint64_t v;
    while (in >> k >> v) out[k] = v;
    return out;
}

// /proc/<pid>/cgroup as controller → path ("" for the v2 line).
std::map<std::string, std::string> cgroup_paths(int pid) {
    std::map<std::string, std::string> out;
    std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
    std::string line;
    while (std::getline(in, line)) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string ctrls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (ctrls.empty()) out[""] = path;
        std::istringstream cs(ctrls);
        std::string c;
        while (std::getline(cs, c, ',')) out[c] = path;
        out[ctrls] = path;  // the joint mount name, e.g. "cpu,cpuacct"
    }
    if (out.empty()) throw std::runtime_error("cannot read the cgroup of process " + std::to_string(pid));
    return out;
}

// The v1 directory of controller for the process, trying the joint mount
// name first (cpu,cpuacct) and then the controller's own (often a symlink).
std::string v1_dir(const std::map<std::string, std::string> &paths, const std::string &controller) {
    for (auto &[name, path] : paths) {
        if (name.empty() || name == controller) continue;
        if (("," + name + ",").find("," + controller + ",") != std::string::npos &&
            exists(g_root + "/" + name + path))
            return g_root + "/" + name + path;
    }
    auto it = paths.find(controller);
    if (it == paths.end()) return {};
    return g_root + "/" + controller + it->second;
}

uint64_t host_memory() {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : 0;
}

// Docker's system_cpu_usage: all CPU time of the host in nanoseconds.
uint64_t system_cpu_ns() {
    std::istringstream in(slurp("/proc/stat"));
    std::string cpu;
    in >> cpu;
    uint64_t total = 0, v;
    for (int i = 0; i < 8 && in >> v; ++i) total += v;
    long tick = sysconf(_SC_CLK_TCK);
    return total * (1000000000ULL / static_cast<uint64_t>(tick > 0 ? tick : 100));
}

std::string now_rfc3339() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09ldZ", ts.tv_nsec);
    return std::string(buf) + frac;
}

// An unlimited cgroup reports a huge number (v1) or "max" (v2); Docker shows
// the host's memory instead.
uint64_t cap_limit(uint64_t limit) {
    uint64_t host = host_memory();
    return (limit == 0 || (host != 0 && limit > host)) ? host : limit;
}

json to_json(const std::map<std::string, uint64_t> &m) {
    json j = json::object();
    for (auto &[k, v] : m) j[k] = v;
    return j;
}

void fill_v1(const std::map<std::string, std::string> &paths, json &s) {
    std::string mem = v1_dir(paths, "memory");
    if (mem.empty() || !exists(mem + "/memory.usage_in_bytes"))
        throw std::runtime_error("no memory cgroup for the container");
    auto mstat = read_kv(mem + "/memory.stat");
    s["memory_stats"] = {{"usage", read_u64(mem + "/memory.usage_in_bytes")},
                         {"max_usage", read_u64(mem + "/memory.max_usage_in_bytes")},
                         {"failcnt", read_u64(mem + "/memory.failcnt")},
                         {"stats", to_json(mstat)},
                         {"limit", cap_limit(read_u64(mem + "/memory.limit_in_bytes"))}};

    std::string cpu = v1_dir(paths, "cpuacct");
    json percpu = json::array();
    std::istringstream pc(slurp(cpu + "/cpuacct.usage_percpu"));
    uint64_t v;
    while (pc >> v) percpu.push_back(v);
    auto cstat = read_kv(cpu + "/cpuacct.stat");
    long tick = sysconf(_SC_CLK_TCK);
    uint64_t ns_per_tick = 1000000000ULL / static_cast<uint64_t>(tick > 0 ? tick : 100);
    s["cpu_stats"]["cpu_usage"] = {{"total_usage", read_u64(cpu + "/cpuacct.usage")},
                                   {"percpu_usage", percpu},
                                   {"usage_in_kernelmode", cstat["system"] * ns_per_tick},
                                   {"usage_in_usermode", cstat["user"] * ns_per_tick}};
    std::string cpuctl = v1_dir(paths, "cpu");
    auto thr = read_kv(cpuctl + "/cpu.stat");
    s["cpu_stats"]["throttling_data"] = {{"periods", thr["nr_periods"]},
                                         {"throttled_periods", thr["nr_throttled"]},
                                         {"throttled_time", thr["throttled_time"]}};

    std::string pids = v1_dir(paths, "pids");
    s["pids_stats"] = {{"current", read_u64(pids + "/pids.current")}};
    uint64_t pmax = read_u64(pids + "/pids.max");
    if (pmax != 0) s["pids_stats"]["limit"] = pmax;

    // Kernels without CFQ only keep the throttle layer's counters.
    std::string blk = v1_dir(paths, "blkio");
    std::string text = slurp(blk + "/blkio.io_service_bytes_recursive");
    if (text.empty()) text = slurp(blk + "/blkio.throttle.io_service_bytes_recursive");
    json entries = json::array();
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        unsigned major = 0, minor = 0;
        char op[16] = {};
        unsigned long long value = 0;
        if (std::sscanf(line.c_str(), "%u:%u %15s %llu", &major, &minor, op, &value) != 4) continue;
        std::string o = op;
        for (auto &ch : o) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        entries.push_back({{"major", major}, {"minor", minor}, {"op", o}, {"value", value}});
    }
    s["blkio_stats"]["io_service_bytes_recursive"] = entries;
}

void fill_v2(const std::string &dir, json &s) {
    if (!exists(dir + "/memory.current")) throw std::runtime_error("no cgroup v2 memory files in " + dir);
    auto mstat = read_kv(dir + "/memory.stat");
    s["memory_stats"] = {{"usage", read_u64(dir + "/memory.current")},
                         {"stats", to_json(mstat)},
                         {"limit", cap_limit(read_u64(dir + "/memory.max"))}};
    auto cstat = read_kv(dir + "/cpu.stat");
    s["cpu_stats"]["cpu_usage"] = {{"total_usage", cstat["usage_usec"] * 1000},
                                   {"usage_in_kernelmode", cstat["system_usec"] * 1000},
                                   {"usage_in_usermode", cstat["user_usec"] * 1000}};
    s["cpu_stats"]["throttling_data"] = {{"periods", cstat["nr_periods"]},
                                         {"throttled_periods", cstat["nr_throttled"]},
                                         {"throttled_time", cstat["throttled_usec"] * 1000}};
    s["pids_stats"] = {{"current", read_u64(dir + "/pids.current")}};
    uint64_t pmax = read_u64(dir + "/pids.max");
    if (pmax != 0) s["pids_stats"]["limit"] = pmax;
    // io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." per device.
    json entries = json::array();
    std::istringstream in(slurp(dir + "/io.stat"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string dev, field;
        ls >> dev;
        unsigned major = 0, minor = 0;
        if (std::sscanf(dev.c_str(), "%u:%u", &major, &minor) != 2) continue;
        while (ls >> field) {
            auto eq = field.find('=');
            if (eq == std::string::npos) continue;
            std::string k = field.substr(0, eq);
            uint64_t val = std::strtoull(field.c_str() + eq + 1, nullptr, 10);
            if (k == "rbytes") entries.push_back({{"major", major}, {"minor", minor}, {"op", "read"}, {"value", val}});
            if (k == "wbytes") entries.push_back({{"major", major}, {"minor", minor}, {"op", "write"}, {"value", val}});
        }
    }
    s["blkio_stats"]["io_service_bytes_recursive"] = entries;
}

} // namespace

void set_cgroup_root_for_testing(const std::string &root) { g_root = root; }

std::string cgroup_stats_json(int init_pid) {
    if (init_pid <= 0) throw std::runtime_error("container has no running process");
    auto paths = cgroup_paths(init_pid);
    json s = {{"read", now_rfc3339()},
              {"preread", "0001-01-01T00:00:00Z"},
              {"num_procs", 0},
              {"storage_stats", json::object()},
              {"precpu_stats", json::object()},
              {"blkio_stats", json::object()}};
    // A pure v2 host has cgroup.controllers at the root; a hybrid one keeps
    // v2 under unified/ with no controllers we read.
    if (exists(g_root + "/cgroup.controllers")) fill_v2(g_root + paths[""], s);
    else fill_v1(paths, s);
    s["cpu_stats"]["system_cpu_usage"] = system_cpu_ns();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    s["cpu_stats"]["online_cpus"] = cpus > 0 ? cpus : 1;
    return s.dump();
}

} // namespace berth::execrunc
