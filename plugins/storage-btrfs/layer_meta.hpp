// layer_meta.hpp — the small record kept beside each layer's subvolume
// (home/meta/<id>.json): what the subvolume cannot tell by itself.
#pragma once

#include <cstdint>
#include <string>

namespace berth::btrfs {

struct layer_meta {
    std::string parent; // "" for a base layer
    bool rw = false;    // created as a read-write (container) layer
    uint64_t size = 0;  // quota limit in bytes, 0 for none
};

// Write `meta` to dirfd/<name> atomically: a temp file "<name>-tmp-<rand>",
// fsync, rename over, fsync the directory. A crash leaves either the old
// file, the new one, or a "-tmp-" leftover that init sweeps.
void write_meta(int dirfd, const std::string &name, const layer_meta &meta);

// Read dirfd/<name>. Throws NOTFOUND when missing, IO when unreadable or
// malformed.
layer_meta read_meta(int dirfd, const std::string &name);

} // namespace berth::btrfs
