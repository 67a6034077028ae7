// disk_usage.hpp — what one layer's own directory costs on disk, for
// `docker system df`: allocated bytes (st_blocks, so sparse files count what
// they really use) and inodes, each hard-linked inode once.
#pragma once

#include <cstdint>
#include <filesystem>

namespace berth::overlay2 {

struct DiskUsage {
    int64_t bytes = 0;
    int64_t inodes = 0;
};

// Walks root without following symlinks or crossing into other mounts.
DiskUsage disk_usage(const std::filesystem::path &root);

} // namespace berth::overlay2
