// host_probe.cpp — see host_probe.h.
#include "containers/spec/host_probe.h"

#include "containers/spec/seccomp_profile.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/utsname.h>
#include <unistd.h>

namespace berth::containers::spec {
namespace {

namespace fs = std::filesystem;

bool exists(const char *path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

} // namespace

HostFacts probe_missing_host_facts(HostFacts f) {
    if (f.arch.empty())
        f.arch = native_arch();
    if (!f.apparmor_enabled)
        f.apparmor_enabled = exists("/sys/module/apparmor");
    if (!f.cap_last_cap) {
        int last = 40;
        if (std::ifstream in("/proc/sys/kernel/cap_last_cap"); in)
            in >> last;
        f.cap_last_cap = last;
    }
    if (!f.kernel_at_least_4_8) {
        struct utsname u{};
        int major = 0, minor = 0;
        if (::uname(&u) == 0)
            std::sscanf(u.release, "%d.%d", &major, &minor);
        f.kernel_at_least_4_8 = major > 4 || (major == 4 && minor >= 8);
    }
    if (!f.swap_limit_supported)
        f.swap_limit_supported = f.cgroup_v2 || exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
    if (!f.blkio_weight_supported)
        f.blkio_weight_supported = f.cgroup_v2 ? true
                                               : exists("/sys/fs/cgroup/blkio/blkio.weight");
    if (!f.host_cpus) {
        long n = ::sysconf(_SC_NPROCESSORS_ONLN);
        f.host_cpus = n > 0 ? static_cast<unsigned>(n) : 1u;
    }
    if (!f.thermal_throttle_paths) {
        std::vector<std::string> paths;
        long possible = ::sysconf(_SC_NPROCESSORS_CONF);
        for (long cpu = 0; cpu < possible; ++cpu) {
            auto p = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/thermal_throttle";
            if (exists(p.c_str()))
                paths.push_back(p);
        }
        f.thermal_throttle_paths = paths;
    }
    if (!f.default_sysctls_present) {
        std::vector<std::string> present;
        if (exists("/proc/sys/net/ipv4/ip_unprivileged_port_start"))
            present.emplace_back("net.ipv4.ip_unprivileged_port_start");
        if (exists("/proc/sys/net/ipv4/ping_group_range"))
            present.emplace_back("net.ipv4.ping_group_range");
        f.default_sysctls_present = present;
    }
    return f;
}

} // namespace berth::containers::spec
