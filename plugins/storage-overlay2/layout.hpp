// layout.hpp — where a layer lives on disk, in dockerd's overlay2 layout:
//
//   home/<id>/diff    the layer's own files (the overlay upper dir)
//   home/<id>/link    its short link name, e.g. "6Q3ZYK2D2L5QK0R6VOTAZ0DPMR"
//   home/<id>/lower   "l/<short>:l/<short>..." of every parent, top-most first
//                     (absent for a base layer)
//   home/<id>/work    overlay work dir (rw layers)
//   home/<id>/merged  mount point (layers with a parent, and rw layers)
//   home/l/<short>    symlink -> ../<id>/diff
//
// The short links keep mount options small (see overlay_mount.hpp). A layer
// dir appears and disappears with one rename, so a crash never leaves a
// half-made or half-removed layer under its real name; what it does leave
// is named "*-tmp-*" and swept by the next sole instance.
//
// Under an id map (userns-remap) the container's root is host uid H, gid G,
// not the host's root, and runc sets up the rootfs as that user: every
// directory from home down to a mount point (home, l/, merged/; a layer dir
// is 0701 anyway) is 0710 with group G, as dockerd makes them, and every
// diff/ (a layer's root, and the root of what the container sees) is owned
// by H:G. Without a map the modes are the ones above, unchanged.
#pragma once

#include <berth/layertar.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace berth::overlay2 {

class Layout {
public:
    explicit Layout(std::filesystem::path home, layertar::IdMap id_map = {})
        : home_(std::move(home)), id_map_(id_map) {}

    const std::filesystem::path &home() const { return home_; }
    std::filesystem::path dir(const std::string &id) const { return home_ / id; }
    std::filesystem::path diff_dir(const std::string &id) const { return home_ / id / "diff"; }
    std::filesystem::path work_dir(const std::string &id) const { return home_ / id / "work"; }
    std::filesystem::path merged_dir(const std::string &id) const { return home_ / id / "merged"; }
    std::filesystem::path links_dir() const { return home_ / "l"; }

    // Ids are file names under home: [A-Za-z0-9_.-], 1-128 bytes, not
    // starting with '.', not "l", never containing "-tmp-" (the sweep's mark).
    static bool valid_id(std::string_view id);
    // INVAL naming `what` ("layer", "parent") unless valid_id.
    static void require_valid_id(std::string_view id, std::string_view what);

    bool exists(const std::string &id) const;
    // NOTFOUND unless the layer exists.
    void require(const std::string &id) const;

    // "l/<short>" entries of the lower file, top-most first; empty for a
    // base layer.
    std::vector<std::string> lowers(const std::string &id) const;
    // The parents' diff dirs (resolved through the links), top-most first.
    std::vector<std::filesystem::path> lower_diff_dirs(const std::string &id) const;
    // The parent's id, read back through the first lower link; "" for none.
    std::string parent(const std::string &id) const;
    // rw layers have a work dir; read-only layers mount without an upper.
    bool is_rw(const std::string &id) const;

    // Make the layer (EXISTS / NOTFOUND for the parent as storage.h says).
    // Durable unless `durable` is false: then no fsyncs, for a layer that
    // need not survive a host crash (CreateOptions::volatile_mounts).
    void create(const std::string &id, const std::string &parent, bool rw, bool durable = true) const;
    // Remove the layer's dir and link (NOTFOUND when absent). The caller
    // made sure it is not mounted.
    void remove(const std::string &id) const;
    // The first half of remove: the layer's dir renamed to a "-tmp-" name
    // the sweep would take, and its link gone; returns where the tree now
    // is, for the caller to remove (BackgroundRemover).
    std::filesystem::path retire(const std::string &id) const;

    // The l/ dir, made if missing (init).
    void ensure_links_dir() const;
    // Under an id map: dir becomes 0710 with group G, so the container's
    // root can pass through it (see above). Nothing without a map.
    void make_traversable(const std::filesystem::path &dir) const;
    // Remove "*-tmp-*" leftovers and links whose layer is gone. Only when no
    // other instance is alive (home_lock.hpp).
    void sweep() const;

private:
    // The id a "l/<short>" lower entry points at.
    std::string link_target_id(const std::string &entry) const;
    // Under an id map: dir (a diff/) is owned by the container's root.
    void own_layer_root(const std::filesystem::path &dir) const;
    std::filesystem::path home_;
    layertar::IdMap id_map_;
};

} // namespace berth::overlay2
