// quota.hpp — btrfs quota groups for the "size" storage option, on raw
// ioctls. A layer's limit is the referenced-bytes limit of its subvolume's
// level-0 qgroup (0/<subvolume id>), which is what dockerd's btrfs driver sets.
#pragma once

#include <cstdint>
#include <string>

namespace berth::btrfs {

// Turn quotas on for the file system holding fd. Idempotent: the kernel
// answers success when they are already on.
void enable_quota(int fd);

// Whether quotas are on for the file system holding fd: the quota tree
// exists. Throws only for errors other than "no such tree".
bool quota_enabled(int fd);

// Limit the referenced bytes of qgroup 0/<subvol_id>.
void limit_qgroup(int fd, uint64_t subvol_id, uint64_t bytes, const std::string &what);

// Drop qgroup 0/<subvol_id> after its subvolume was deleted. Best effort:
// returns false instead of throwing (the kernel keeps an orphan qgroup busy
// until the cleaner has run; a stale qgroup only costs a tree item).
bool destroy_qgroup(int fd, uint64_t subvol_id) noexcept;

} // namespace berth::btrfs
