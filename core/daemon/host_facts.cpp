#include "daemon/host_facts.h"

#include <fstream>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace berth::daemon {
namespace {

std::string os_release(const std::string &key) {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + "=", 0) != 0) continue;
        std::string v = line.substr(key.size() + 1);
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
        return v;
    }
    return {};
}

std::string docker_arch(const std::string &machine) {
    if (machine == "x86_64") return "amd64";
    if (machine == "aarch64") return "arm64";
    if (machine == "i686" || machine == "i386") return "386";
    if (machine.rfind("armv7", 0) == 0) return "arm";
    return machine;
}

} // namespace

HostFacts read_host_facts() {
    HostFacts f;
    utsname u{};
    if (::uname(&u) == 0) {
        f.kernel_version = u.release;
        f.architecture = u.machine;
        f.hostname = u.nodename;
    }
    f.go_arch = docker_arch(f.architecture);
    f.operating_system = os_release("PRETTY_NAME");
    if (f.operating_system.empty()) f.operating_system = "Linux";
    f.os_version = os_release("VERSION_ID");
    f.ncpu = int(::sysconf(_SC_NPROCESSORS_ONLN));
    f.mem_total = int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
    struct statfs sfs {};
    if (::statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) f.cgroup_version = 2;
    std::ifstream fwd("/proc/sys/net/ipv4/ip_forward");
    int v = 0;
    if (fwd >> v) f.ipv4_forwarding = v == 1;
    return f;
}

} // namespace berth::daemon
