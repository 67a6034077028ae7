// quota.cpp — see quota.hpp.
#include "quota.hpp"

#include "sys_util.hpp"

#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>

#include <cerrno>
#include <sys/ioctl.h>

namespace berth::btrfs {

void enable_quota(int fd) {
    struct btrfs_ioctl_quota_ctl_args args{};
    args.cmd = BTRFS_QUOTA_CTL_ENABLE;
    if (::ioctl(fd, BTRFS_IOC_QUOTA_CTL, &args) != 0) throw_errno(errno, "enable quota");
}

bool quota_enabled(int fd) {
    // One QGROUP_STATUS item lives in the quota tree while quotas are on; the
    // tree itself is gone when they are off, and the search says ENOENT.
    struct btrfs_ioctl_search_args args{};
    auto &key = args.key;
    key.tree_id = BTRFS_QUOTA_TREE_OBJECTID;
    key.min_type = key.max_type = BTRFS_QGROUP_STATUS_KEY;
    key.max_objectid = UINT64_MAX;
    key.max_offset = UINT64_MAX;
    key.max_transid = UINT64_MAX;
    key.nr_items = 1;
    if (::ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args) != 0) {
        if (errno == ENOENT) return false;
        throw_errno(errno, "query quota status");
    }
    return key.nr_items > 0;
}

void limit_qgroup(int fd, uint64_t subvol_id, uint64_t bytes, const std::string &what) {
    struct btrfs_ioctl_qgroup_limit_args args{};
    args.qgroupid = subvol_id; // level 0: the qgroup id is the subvolume id
    args.lim.flags = BTRFS_QGROUP_LIMIT_MAX_RFER;
    args.lim.max_rfer = bytes;
    if (::ioctl(fd, BTRFS_IOC_QGROUP_LIMIT, &args) != 0) throw_errno(errno, "set quota on " + what);
}

bool destroy_qgroup(int fd, uint64_t subvol_id) noexcept {
    struct btrfs_ioctl_qgroup_create_args args{};
    args.create = 0;
    args.qgroupid = subvol_id;
    return ::ioctl(fd, BTRFS_IOC_QGROUP_CREATE, &args) == 0;
}

} // namespace berth::btrfs
