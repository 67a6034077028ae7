#include "oom_counter.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace berth::shim {

namespace {

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool has_item(const std::string &comma_list, const std::string &item) {
    return ("," + comma_list + ",").find("," + item + ",") != std::string::npos;
}

std::vector<std::string> words(const std::string &line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

} // namespace

std::string memory_cgroup_in(const std::string &proc_cgroup, bool &v2) {
    std::istringstream in(proc_cgroup);
    std::string line, unified;
    bool have_unified = false;
    while (std::getline(in, line)) {
        auto a = line.find(':'), b = line.find(':', a == std::string::npos ? a : a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (has_item(controllers, "memory")) {
            v2 = false;
            return path;
        }
        if (line.compare(0, a, "0") == 0 && controllers.empty()) {
            unified = path;
            have_unified = true;
        }
    }
    v2 = have_unified;
    return have_unified ? unified : std::string();
}

std::string cgroup_dir_in(const std::string &mountinfo, const std::string &cgroup_path, bool v2) {
    std::istringstream in(mountinfo);
    std::string line;
    while (std::getline(in, line)) {
        // id parent maj:min root mountpoint options [optional...] - fstype source super
        std::vector<std::string> w = words(line);
        size_t dash = 0;
        while (dash < w.size() && w[dash] != "-") ++dash;
        if (dash < 5 || dash + 3 > w.size()) continue;
        const std::string &root = w[3], &mountpoint = w[4], &fstype = w[dash + 1];
        const std::string super = dash + 3 < w.size() ? w[dash + 3] : std::string();
        bool match = v2 ? fstype == "cgroup2" : fstype == "cgroup" && has_item(super, "memory");
        if (!match) continue;
        // The mount shows the hierarchy from root down; the cgroup must be
        // inside it.
        std::string rel = cgroup_path;
        if (root != "/") {
            if (cgroup_path.compare(0, root.size(), root) != 0 ||
                (cgroup_path.size() > root.size() && cgroup_path[root.size()] != '/'))
                continue;
            rel = cgroup_path.substr(root.size());
        }
        if (rel == "/") rel.clear();
        return mountpoint + rel;
    }
    return {};
}

long long oom_kill_count_in(const std::string &text) {
    std::istringstream in(text);
    std::string key;
    long long value = 0;
    while (in >> key >> value)
        if (key == "oom_kill") return value;
    return -1;
}

std::string oom_counter_file(int pid) {
    bool v2 = false;
    std::string path = memory_cgroup_in(slurp("/proc/" + std::to_string(pid) + "/cgroup"), v2);
    if (path.empty()) return {};
    std::string dir = cgroup_dir_in(slurp("/proc/self/mountinfo"), path, v2);
    if (dir.empty()) return {};
    std::string file = dir + (v2 ? "/memory.events" : "/memory.oom_control");
    return access(file.c_str(), R_OK) == 0 ? file : std::string();
}

long long read_oom_kill_count(const std::string &file) {
    if (file.empty()) return -1;
    std::ifstream in(file);
    if (!in) return -1;
    std::stringstream ss;
    ss << in.rdbuf();
    return oom_kill_count_in(ss.str());
}

} // namespace berth::shim
