// mount_plan.h — a container's user mounts in one shape, whatever asked for
// them: -v binds and named/anonymous volumes (HostConfig.Binds), --mount
// (HostConfig.Mounts), --tmpfs, and the image's VOLUME entries nothing else
// covers (each gets an anonymous volume). Planned at create (errors are the
// create's 400s); volumes are resolved to host paths at start, when the plan
// becomes the "src:dst:opts" binds the spec builder takes.
#pragma once

#include "containers/store/container_record.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace berth::containers {

// What the container service needs of the volume subsystem; the daemon
// wires these to the local volume service.
struct VolumeAccess {
    // Create the volume when it does not exist (name "" = a new anonymous
    // one); returns its name and whether it was created now.
    std::function<std::pair<std::string, bool>(const std::string &name, const std::string &driver,
                                               const std::map<std::string, std::string> &opts,
                                               const std::map<std::string, std::string> &labels)>
        ensure;
    // Mount (when the driver mounts) and count container_id as a user;
    // returns the host path to bind.
    std::function<std::string(const std::string &name, const std::string &container_id)> acquire;
    std::function<void(const std::string &name, const std::string &container_id)> release;
    // Record container_id as a user without mounting (create, restart of berthd).
    std::function<void(const std::string &name, const std::string &container_id)> adopt;
    // Forget container_id as a user; with remove_anonymous, delete the
    // volume when it was anonymous (rm -v).
    std::function<void(const std::string &name, const std::string &container_id, bool remove_anonymous)> forget;
    // Copy the image's content at a fresh volume's destination into it.
    std::function<void(const std::string &src_dir, const std::string &volume_path)> copy_up;
};

struct PlannedMounts {
    std::vector<MountPoint> points;            // binds and volumes, Docker's inspect "Mounts"
    std::map<std::string, std::string> tmpfs;  // destination → options
};

// Parses HostConfig.Binds/Mounts/Tmpfs and the image's Volumes (a JSON
// object's keys) into a plan; named and anonymous volumes are left by name
// ("" for anonymous: ensure() names them). Missing --mount bind sources are
// refused; missing -v bind sources are created, as dockerd does.
// Throws InvalidArgument with Docker's wording.
PlannedMounts plan_mounts(const std::string &host_config_json, const std::vector<std::string> &image_volumes);

// The binds ("src:dst:opts") the spec builder takes, with volume names
// replaced through resolve(name) → host path.
std::vector<std::string> binds_for_spec(const std::vector<MountPoint> &points,
                                        const std::function<std::string(const MountPoint &)> &resolve);

} // namespace berth::containers
