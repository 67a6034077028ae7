// container_fs.h — what the filesystem endpoints (cp, export, diff, commit)
// need of one container, handed over by the container service. The routes
// never see the store or the storage driver: they get a ContainerFs whose
// rootfs stays mounted until the last shared_ptr to it is dropped.
#pragma once

#include "config/id_map.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace berth::containers {

struct ContainerFs {
    std::string id;          // full 64-hex ID
    std::string name;        // "/name"
    std::string image_id;    // "sha256:..." of the container's image
    std::string config_json; // the container's Config (commit starts from it)
    std::string rootfs;      // host path of the mounted rootfs (valid while this lives)
    bool running = false;
    bool paused = false;
    // HostConfig.ReadonlyRootfs: docker cp into it is refused (403).
    bool readonly_rootfs = false;
    // userns-remap: the rootfs holds host ids; archives carry container ids.
    config::IdMap id_map;
    // The files bound over the rootfs when the container runs (container
    // path → host path: /etc/hostname, /etc/hosts, /etc/resolv.conf). The
    // layers hold empty mount points there, as dockerd's init layer does;
    // archives read these instead, as dockerd's archive code mounts them
    // over its view.
    std::vector<std::pair<std::string, std::string>> etc_files;
    // The RW layer's changes against the image as a tar (the storage
    // driver's diff), written to out_fd; throws on failure.
    std::function<void(int out_fd)> write_diff_tar;
    // The storage driver's change list: JSON [{"Path":"/x","Kind":0|1|2}].
    std::function<std::string()> changes_json;
    // Freeze/thaw for commit --pause (no-ops when not running).
    std::function<void()> pause;
    std::function<void()> resume;
    // Publishes a container event (export, archive-path, extract-to-dir,
    // commit) with the container's attributes; unset: no events.
    std::function<void(const std::string &action, std::map<std::string, std::string> attributes)> publish_event;
};

// Resolves a name or ID prefix (Docker's rules) and mounts the rootfs.
// Throws api::ApiError 404 "No such container: x" for unknown refs.
using ContainerFsProvider = std::function<std::shared_ptr<ContainerFs>(const std::string &ref)>;

} // namespace berth::containers
