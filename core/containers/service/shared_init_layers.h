// shared_init_layers.h — one init layer per image top layer, shared by every
// container made from that image, as the parent of their RW layers.
//
// dockerd makes an "-init" layer per container. Its content (the empty mount
// points runc binds over: /etc/hostname, /etc/hosts, /etc/resolv.conf,
// /dev/console, /.dockerenv, ...) depends only on the image, so berth makes it
// once per image: a create then costs one RW layer (about 17 inodes and an
// apply_diff through the storage plugin fewer), and a removal one layer. The
// /etc files in it are empty, as dockerd's are; `docker cp` reads the
// container's own copies instead (ContainerFs::etc_files).
//
// A layer is complete once its marker file (<data-root>/init-layers/<id>)
// is on disk, written with fsyncs after the fill and before any container
// uses it: a layer found without its marker was cut short by a crash and can
// have no child, so it is made again. The layer goes before its image's top
// layer (the layer store's removal hook calls forget); restore forgets the
// ones whose top layer is gone (a crash between the two).
#pragma once

#include "containers/service/init_layer.h"
#include "images/layer_driver.h"

#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace berth::containers {

// The shared init layer's storage id for an image whose top layer has
// cache id top_cache_id.
inline std::string shared_init_layer_id(const std::string &top_cache_id) { return top_cache_id + "-init-shared"; }

class SharedInitLayers {
public:
    // Fills a layer just created (read-only) on top with the init entries.
    using Fill = std::function<void(images::LayerDriver &driver, const std::string &layer_id, const std::string &top)>;

    // marker_dir: made if missing.
    SharedInitLayers(std::filesystem::path marker_dir, Fill fill);

    // The shared init layer on top_cache_id, made and filled first when it
    // is missing or was left half-made. Thread-safe; concurrent creates of
    // one image make it once.
    std::string ensure(images::LayerDriver &driver, const std::string &top_cache_id);

    // Removes the shared init layer on top_cache_id, if any, and its marker.
    // Called right before the top layer itself is removed (no container can
    // use the image any more).
    void forget(images::LayerDriver &driver, const std::string &top_cache_id);

    // The top layers' cache ids that have a marker (restore compares them
    // with the layers that still exist).
    std::set<std::string> marked_tops() const;

private:
    std::filesystem::path marker(const std::string &layer_id) const;

    std::filesystem::path dir_;
    Fill fill_;
    mutable std::mutex mu_;
    std::set<std::string> ready_; // layer ids known complete since start
};

// The init layer's entries, through apply_diff of a tar decided against the
// image's read-only view of image_top ("" for none), into layer init_id (a
// view's unmount syncs nothing: it has no upper layer).
void fill_init_layer(images::LayerDriver &driver, const std::string &init_id, const std::string &image_top,
                     const InitLayerFiles &files, const config::IdMap &ids);

} // namespace berth::containers
