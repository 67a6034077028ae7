// mounts.h — the mount table of a container: Docker's defaults, --tmpfs,
// -v binds and the per-container /etc files, in Docker's order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace berth::containers::spec {

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;
    bool operator==(const Mount &) const = default;
};

struct MountRequest {
    bool read_only_rootfs = false;
    bool privileged = false;
    std::int64_t shm_size = 64 * 1024 * 1024;
    std::vector<std::string> binds;           // HostConfig.Binds: "host:ctr[:opts]"
    std::map<std::string, std::string> tmpfs; // HostConfig.Tmpfs: path → "opt,opt"
    std::string init_path;                    // "" → no /sbin/docker-init
    std::string hosts_path, resolv_conf_path, hostname_path;
};

// The 7 defaults of runtime-defaults §2.1 (ro adjusted for --read-only and
// --privileged, /dev/shm sized).
std::vector<Mount> default_mounts(const MountRequest &request);

// "noexec,nosuid,nodev,rprivate" + the user's options, de-duplicated from the
// right so a later exec/suid/dev/size wins.
std::vector<std::string> tmpfs_options(const std::string &user_options);

// One -v bind. Only absolute host paths: named volumes are refused (not yet).
Mount parse_bind(const std::string &bind);

// The whole table: defaults (minus those a user mount replaces), docker-init,
// then user mounts sorted shallow-first.
std::vector<Mount> build_mounts(const MountRequest &request);

} // namespace berth::containers::spec
