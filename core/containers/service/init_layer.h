// init_layer.h — dockerd's "-init" layer: between the image and a container's
// RW layer, it holds the empty mount points runc binds over (/etc/hosts,
// /etc/hostname, /etc/resolv.conf, /dev/console, ...), so they exist even in
// images without /etc, and `docker diff` / `docker commit` of the RW layer
// against it never show them.
//
// Create fills it through the storage driver's apply_diff with a small tar
// (init_layer_tar), not through a read-write mount: unmounting a writable
// overlay syncs its whole upper file system, which on a busy host is the
// slowest step of a create. The tar is decided against a read-only view of
// the image, so it holds exactly what a mounted fill would have written.
#pragma once

#include "config/id_map.h"

#include <optional>
#include <string>

namespace berth::containers {

// The init layer's cache id for a container.
inline std::string init_layer_id(const std::string &container_id) { return container_id + "-init"; }

// The /etc mount points of the init layer. nullopt: dockerd's empty mount
// point where the image lacks the file, the image's own file kept (an
// image's shared init layer, shared_init_layers.h); a value: that content,
// also over the image's file (the own init layer of a container of an image
// without layers, so the layers hold what is bound over them).
struct InitLayerFiles {
    std::optional<std::string> hostname, hosts, resolv_conf;
};

// The init layer as an uncompressed tar for apply_diff, decided against
// image_root, a read-only view of the image the layer goes on ("" for an
// image without layers). Every path is resolved with the view as "/", so an
// image's symlinks cannot lead outside it. What the image lacks is added (owned by the container's
// root, id 0 in the tar; apply_diff maps it); the /etc files the image has
// as regular files get the new content, when `files` gives one, and keep
// their mode and owner; any
// other entry the image has stays as it is, and nothing is put below an
// image symlink. The directories holding added entries carry the image's
// own mode, owner and time (a mounted fill's copy-up keeps them too); ids
// seen in the view are host ids, mapped back through `ids`.
std::string init_layer_tar(const std::string &image_root, const InitLayerFiles &files, const config::IdMap &ids);

} // namespace berth::containers
