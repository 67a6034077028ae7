// disk_usage.hpp — bytes and inodes a directory tree occupies, for usage().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::btrfs {

struct disk_usage_t {
    int64_t bytes = 0;  // sum of st_blocks * 512: allocated, so sparse files count what they hold
    int64_t inodes = 0; // distinct inodes: a hard-linked file counts once
};

// Walk `root` without following symlinks. Nested subvolumes are walked too:
// they belong to the layer. Entries that vanish during the walk (a running
// container deletes files) are skipped.
disk_usage_t disk_usage(const std::string &root);

// The same count for some entries of `root` only (paths relative to it, as
// "/a/b"), each entry by itself: a directory counts its own inode, not its
// children. Missing entries are skipped.
disk_usage_t paths_usage(const std::string &root, const std::vector<std::string> &paths);

} // namespace berth::btrfs
