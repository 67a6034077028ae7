// subvolume.hpp — btrfs subvolume primitives on raw ioctls from
// <linux/btrfs.h>. No btrfs-progs at run time: the daemon must not depend on
// a CLI whose output format changes between releases.
//
// Every function names the path it was given in its error ("btrfs: create
// subvolume <path>: ...") and throws sdk::error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::btrfs {

// True when the file system holding `path` is btrfs. On false, `fs_name`
// receives a readable name of what it is instead ("ext2/ext3/ext4", "xfs",
// "0x1234abcd"). Throws when statfs itself fails.
bool is_btrfs(const std::string &path, std::string &fs_name);

// True when dirfd/name is the root directory of a subvolume (inode 256).
bool is_subvolume_at(int dirfd, const std::string &name);

// Create an empty subvolume `name` inside directory dirfd.
// `what` is the full path, for messages.
void create_subvolume(int dirfd, const std::string &name, const std::string &what);

// Create a writable snapshot of the subvolume open as src_fd, named `name`
// inside directory dirfd.
void snapshot_subvolume(int src_fd, int dirfd, const std::string &name, const std::string &what);

// The id of the subvolume that contains the open file fd (its root tree id;
// the qgroup of a subvolume is 0/<id>).
uint64_t subvolume_id(int fd);

// A subvolume nested directly inside another: `dir` is the directory that
// holds it, relative to the outer subvolume's root ("" for the root itself,
// otherwise ending in '/'), `name` its entry in that directory.
struct child_subvolume {
    uint64_t id;
    std::string dir;
    std::string name;
};

// The subvolumes nested directly in subvolume `id` (open as fd), found with
// BTRFS_IOC_TREE_SEARCH over the root tree's ROOT_REF items and resolved to
// paths with BTRFS_IOC_INO_LOOKUP. Needs CAP_SYS_ADMIN.
std::vector<child_subvolume> child_subvolumes(int fd, uint64_t id);

// Delete subvolume dirfd/name and, deepest first, every subvolume nested in
// it (btrfs refuses to delete a subvolume that still holds others). Returns
// the ids of all subvolumes deleted, so the caller can drop their qgroups.
std::vector<uint64_t> destroy_subvolume_tree(int dirfd, const std::string &name, const std::string &what);

} // namespace berth::btrfs
