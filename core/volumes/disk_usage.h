// disk_usage.h — the bytes a volume holds, as moby's directory.Size counts
// them: regular files' sizes, each inode once (hard links), directories
// not counted, never crossing into other mounts. Reported by
// `docker volume prune` (SpaceReclaimed) and `docker system df`.
#pragma once

#include <cstdint>
#include <filesystem>

namespace berth::volumes {

// Best effort: unreadable entries count as 0. 0 when dir does not exist.
int64_t directory_size(const std::filesystem::path &dir);

} // namespace berth::volumes
