// devices.h — host device nodes for --device and --privileged, and the
// device cgroup rules Docker writes (§5 of the runtime defaults).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::containers::spec {

struct DeviceNode {
    std::string path; // inside the container
    std::string type; // "c" or "b"
    std::int64_t major = 0;
    std::int64_t minor = 0;
    std::uint32_t file_mode = 0;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
};

struct DeviceRule {
    bool allow = false;
    std::string type; // "" = all
    std::int64_t major = -1; // -1 = any (left out of the JSON)
    std::int64_t minor = -1;
    std::string access;
};

// Docker's default rules: deny all, allow the six basic nodes, deny fuse.
std::vector<DeviceRule> default_device_rules();

// One --device: stats host_path (following symlinks); a directory adds every
// node under it, re-rooted at container_path. Throws SpecError(NotFound)
// "error gathering device information while adding custom device ..." when
// missing, InvalidArgument for bad permissions or a non-device.
std::vector<DeviceNode> devices_for(const std::string &host_path, const std::string &container_path,
                                    const std::string &permissions);

// Every device node under /dev (as --privileged gives), skipping pts, shm,
// mqueue, fd and console as Docker does.
std::vector<DeviceNode> host_devices();

// "c 1:3 rwm", "a *:* m": Docker's --device-cgroup-rule syntax.
DeviceRule parse_device_cgroup_rule(const std::string &rule);

} // namespace berth::containers::spec
