// host_facts.h — facts about the machine for /version and /info.
#pragma once

#include <cstdint>
#include <string>

namespace berth::daemon {

struct HostFacts {
    std::string kernel_version;   // uname -r
    std::string operating_system; // PRETTY_NAME from os-release
    std::string os_version;       // VERSION_ID
    std::string architecture;     // uname -m ("x86_64")
    std::string go_arch;          // Docker's name ("amd64")
    std::string hostname;
    int ncpu = 1;
    int64_t mem_total = 0;        // bytes
    int cgroup_version = 1;       // 2 when /sys/fs/cgroup is cgroup2 (unified)
    std::string cgroup_driver = "cgroupfs";
    bool ipv4_forwarding = false;
};

HostFacts read_host_facts();

} // namespace berth::daemon
