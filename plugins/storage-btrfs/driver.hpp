// driver.hpp — the btrfs graph driver: one subvolume per layer under
// home/subvolumes/<id>, a child layer being a writable snapshot of its
// parent's subvolume, plus home/meta/<id>.json for what a subvolume cannot
// record itself (parent, rw, quota).
//
// Crash safety: a subvolume's final name is the commit point. create builds
// "<id>-tmp-<rand>" and renames it into place; remove renames it away first.
// Anything named "*-tmp-*" is therefore garbage, and init sweeps it.
//
// Threads: every public method may run concurrently (BERTH_CAP_THREADSAFE).
// mu_ guards the reference counts and the set of ids being created or
// removed; the slow work (snapshots, deletes, tar streams) runs unlocked.
#pragma once

#include "layer_meta.hpp"
#include "sys_util.hpp"

#include <berth/host.h>
#include <berth/layertar.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace berth::btrfs {

// Marks a name in subvolumes/ or meta/ as unfinished work (see above).
inline constexpr const char *tmp_marker = "-tmp-";

class Driver {
public:
    // Check the home directory is on btrfs (PREREQ otherwise), lay out
    // subvolumes/ and meta/, and sweep what an interrupted run left behind.
    static std::unique_ptr<Driver> open(const berth_host *host, const char *config_json);

    const berth_host *host() const noexcept { return host_; }

    // Layer lifecycle (driver_layers.cpp; start-up in driver_init.cpp).
    void create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json);
    void remove(const std::string &id);
    bool exists(const std::string &id) const;
    std::string get(const std::string &id);
    void put(const std::string &id);

    // Layer content through the layer-tar library (driver_content.cpp).
    // parent: nullptr or "" means the layer's own parent.
    void diff(const std::string &id, const char *parent, int out_fd) const;
    std::string changes_json(const std::string &id, const char *parent) const;
    int64_t apply_diff(const std::string &id, int in_fd);
    int64_t diff_size(const std::string &id, const char *parent) const;

    // Facts about the driver and its layers (driver_info.cpp).
    std::string status_json() const;
    std::string metadata_json(const std::string &id) const;
    void usage(const std::string &id, int64_t &bytes, int64_t &inodes) const;

private:
    Driver(const berth_host *host, std::string home, unique_fd subvols, unique_fd meta,
           const layertar::IdMap &id_map);

    std::string subvol_path(const std::string &id) const;
    // Throws NOTFOUND "btrfs: layer <id> does not exist" unless it exists.
    void require_layer(const std::string &id) const;
    layer_meta meta_of(const std::string &id) const;
    // The directory to diff `id` against ("" for none), per the parent rule
    // above.
    std::string diff_parent(const std::string &id, const char *parent) const;
    void ensure_quota();
    // Whether quotas are on now (ours or an admin's).
    bool quota_active() const;
    void sweep();
    void sweep_subvolumes();
    void sweep_meta();
    void log(int32_t level, const std::string &msg) const;

    // Marks an id as being created or removed for the guard's lifetime.
    class claim;

    const berth_host *host_;
    std::string home_;
    unique_fd subvols_; // home/subvolumes
    unique_fd meta_;    // home/meta
    // userns-remap (see storage_opts.hpp): layers hold host ids, tars the
    // container's; a new base subvolume's root belongs to the map's root.
    layertar::IdMap id_map_;

    mutable std::mutex mu_;
    std::unordered_map<std::string, int64_t> refs_;
    std::unordered_set<std::string> busy_;

    mutable std::mutex quota_mu_;
    bool quota_on_ = false; // we enabled quotas (or saw them on) this run
};

// Refuses ids that could escape home or collide with temp names: ids are
// [A-Za-z0-9_.-], 1-128 bytes, not starting with '.', without "-tmp-".
void check_id(const std::string &id);

} // namespace berth::btrfs
