// spec_input.h — everything the OCI spec of one container is built from: the
// image config, Docker's create body (Config + HostConfig, the JSON of
// POST /containers/create) and facts about the host. Plain data, no HTTP
// types, so the create route and swarm tasks fill it the same way.
#pragma once

#include "config/id_map.h"
#include "images/image_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::containers::spec {

enum class CgroupDriver { Cgroupfs, Systemd };

struct HostFacts {
    std::string rootfs_path;  // absolute host path of the mounted rootfs
    std::string container_id; // 64 hex
    std::string hostname;     // "" → Config.Hostname, else the first 12 characters of the ID
    // The per-container files bind-mounted over /etc/...; "" leaves that mount out.
    std::string hosts_path;
    std::string resolv_conf_path;
    std::string hostname_path;

    std::string cgroup_parent = "/docker"; // daemon default; HostConfig.CgroupParent wins
    CgroupDriver cgroup_driver = CgroupDriver::Cgroupfs;
    bool cgroup_v2 = false; // v2: private cgroup namespace (v1 hybrid: the host's)

    // berthd's own hard RLIMIT_NOFILE: a --ulimit nofile above it is refused,
    // since runc could not grant it anyway.
    std::uint64_t rlimit_nofile_max = 1048576;

    std::string init_path = "/usr/bin/tini-static"; // host binary mounted as /sbin/docker-init

    // NetworkMode "container:<x>": the network namespace to join
    // (/proc/<x's pid>/ns/net), filled in by the caller at start.
    std::string network_namespace_path;

    // userns-remap: a user namespace with this mapping unless
    // HostConfig.UsernsMode is "host". Disabled map: no user namespace.
    config::IdMap id_map;

    // Probed from the host when unset; tests pin them.
    std::optional<bool> apparmor_enabled;            // /sys/module/apparmor exists
    std::optional<int> cap_last_cap;                 // /proc/sys/kernel/cap_last_cap
    std::optional<bool> kernel_at_least_4_8;         // uname
    std::optional<bool> swap_limit_supported;        // memory.memsw (v1); always on v2
    std::optional<bool> blkio_weight_supported;      // blkio.weight (v1) / io.weight (v2)
    std::optional<unsigned> host_cpus;               // online CPUs, bounds --cpus
    std::optional<std::vector<std::string>> thermal_throttle_paths; // masked per-CPU dirs
    std::optional<std::vector<std::string>> default_sysctls_present; // which default sysctl keys exist
    std::string arch;                                // GOARCH spelling; "" → this build's
};

struct SpecInput {
    images::ImageConfig image;
    std::string create_body = "{}"; // POST /containers/create JSON: Config fields + "HostConfig"
    HostFacts host;
};

} // namespace berth::containers::spec
