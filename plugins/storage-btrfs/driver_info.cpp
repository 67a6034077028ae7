// driver_info.cpp — what the driver tells `docker info` and `docker inspect`:
// status, metadata and usage.
#include "driver.hpp"

#include "disk_usage.hpp"
#include "layertar_call.hpp"

#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

namespace berth::btrfs {

std::string Driver::status_json() const {
    // dockerd reports the btrfs-progs library it was linked with; this driver
    // links none and speaks to the kernel through ioctls alone.
    nlohmann::json out = nlohmann::json::array({
        {"Build Version", "ioctl"},
        {"Library Version", "n/a"},
        {"Backing Filesystem", "btrfs"},
        {"Quota", quota_active() ? "enabled" : "disabled"},
    });
    return out.dump();
}

std::string Driver::metadata_json(const std::string &id) const {
    require_layer(id);
    return nlohmann::json{{"SubvolumePath", subvol_path(id)}}.dump();
}

void Driver::usage(const std::string &id, int64_t &bytes, int64_t &inodes) const {
    require_layer(id);
    std::string root = subvol_path(id);
    std::string parent = meta_of(id).parent;
    disk_usage_t u;
    if (parent.empty() || !exists(parent)) {
        u = disk_usage(root);
    } else {
        // A snapshot shares every untouched extent with its parent, and a walk
        // cannot tell shared from own blocks. Count what the layer added or
        // changed against its parent instead: "the layer itself".
        auto changes = layertar_call("usage of layer " + id,
                                     [&] { return layertar::changes_between(root, subvol_path(parent)); });
        std::vector<std::string> paths;
        for (const auto &c : changes)
            if (c.kind != layertar::Change::deleted) paths.push_back(c.path);
        u = paths_usage(root, paths);
    }
    bytes = u.bytes;
    inodes = u.inodes;
}

} // namespace berth::btrfs
