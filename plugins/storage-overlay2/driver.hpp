// driver.hpp — the overlay2 graph driver behind the ABI: one instance per
// plugin generation, owning the layout under home, the per-layer mount
// counts and what init found out about the host. Methods throw sdk::error
// (or layertar::LayerError); the ABI glue turns that into status codes.
#pragma once

#include "background_remover.hpp"
#include "home_lock.hpp"
#include "layer_locks.hpp"
#include "layout.hpp"
#include "options.hpp"
#include "probe.hpp"

#include <berth/host.h>
#include <berth/layertar.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace berth::overlay2 {

class Driver {
public:
    // init: options, PREREQ checks, the sweep of a crashed predecessor's
    // leftovers (only when no other instance is alive), the test mount.
    Driver(const berth_host *host, const char *config_json);

    std::string status_json() const;
    void create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json);
    void remove(const std::string &id);
    bool exists(const std::string &id) const;
    std::filesystem::path get(const std::string &id, const char *mount_label);
    void put(const std::string &id);
    // parent: nullptr = the layer's own parent, "" = none (everything is
    // added), else a layer id.
    void diff(const std::string &id, const char *parent, int out_fd);
    std::string changes_json(const std::string &id, const char *parent);
    int64_t diff_size(const std::string &id, const char *parent);
    int64_t apply_diff(const std::string &id, const char *parent, int in_fd);
    void usage(const std::string &id, int64_t &bytes, int64_t &inodes) const;
    std::string metadata_json(const std::string &id) const;
    // Unmounts what this instance mounted; waits for background removals.
    void cleanup();

private:
    // The changes of a layer and the tree to read them from. Whatever had to
    // be mounted for a naive diff is put back when it goes out of scope.
    class ChangeSet;
    void collect_changes(const std::string &id, const char *parent, ChangeSet &out);
    // A mount found in the kernel's table but not in our count is one
    // reference (see MountCount::checked).
    void adopt_existing_mount(const std::string &id, MountCount &m) const;

    const berth_host *host_;
    DriverOptions options_; // before layout_, which is made from it
    Layout layout_;
    HomeLock home_lock_;
    std::string fs_name_;
    OverlayFeatures features_;
    LayerLocks locks_;
    // Last: destroyed first, draining its queue while the rest still exists.
    BackgroundRemover remover_;
};

} // namespace berth::overlay2
