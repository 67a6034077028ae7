// subvolume.cpp — see subvolume.hpp.
#include "subvolume.hpp"

#include "sys_util.hpp"

#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/magic.h>

#include <endian.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

namespace berth::btrfs {
namespace {

// Copy a name into a fixed ioctl name buffer, refusing what does not fit
// rather than truncating into a different name.
template <size_t N>
void copy_name(char (&dst)[N], const std::string &name, const std::string &what) {
    if (name.empty() || name.size() >= N || name.find('/') != std::string::npos)
        throw sdk::error(BERTH_E_INVAL, "btrfs: " + what + ": bad subvolume name");
    std::memset(dst, 0, N);
    std::memcpy(dst, name.data(), name.size());
}

// statfs f_type values of file systems a data root commonly sits on.
std::string fs_type_name(unsigned long type) {
    switch (type) {
    case 0xEF53: return "ext2/ext3/ext4";
    case 0x58465342: return "xfs";
    case 0x01021994: return "tmpfs";
    case 0x794c7630: return "overlayfs";
    case 0x2fc12fc1: return "zfs";
    case 0x6969: return "nfs";
    case 0xF2F52010: return "f2fs";
    case 0x65735546: return "fuse";
    case 0x858458f6: return "ramfs";
    default: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%lx", type);
        return buf;
    }
    }
}

} // namespace

bool is_btrfs(const std::string &path, std::string &fs_name) {
    struct statfs st{};
    if (::statfs(path.c_str(), &st) != 0) throw_errno(errno, "statfs " + path);
    if (static_cast<unsigned long>(st.f_type) == BTRFS_SUPER_MAGIC) return true;
    fs_name = fs_type_name(static_cast<unsigned long>(st.f_type));
    return false;
}

bool is_subvolume_at(int dirfd, const std::string &name) {
    struct stat st{};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    return S_ISDIR(st.st_mode) && st.st_ino == BTRFS_FIRST_FREE_OBJECTID;
}

void create_subvolume(int dirfd, const std::string &name, const std::string &what) {
    struct btrfs_ioctl_vol_args args{};
    copy_name(args.name, name, what);
    if (::ioctl(dirfd, BTRFS_IOC_SUBVOL_CREATE, &args) != 0) throw_errno(errno, "create subvolume " + what);
}

void snapshot_subvolume(int src_fd, int dirfd, const std::string &name, const std::string &what) {
    struct btrfs_ioctl_vol_args_v2 args{};
    args.fd = src_fd;
    args.flags = 0; // writable: a layer is filled after it is created
    copy_name(args.name, name, what);
    if (::ioctl(dirfd, BTRFS_IOC_SNAP_CREATE_V2, &args) != 0) throw_errno(errno, "snapshot into " + what);
}

uint64_t subvolume_id(int fd) {
    // INO_LOOKUP with treeid 0 answers with the tree of the fd's subvolume.
    struct btrfs_ioctl_ino_lookup_args args{};
    args.treeid = 0;
    args.objectid = BTRFS_FIRST_FREE_OBJECTID;
    if (::ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) != 0) throw_errno(errno, "look up subvolume id");
    return args.treeid;
}

std::vector<child_subvolume> child_subvolumes(int fd, uint64_t id) {
    std::vector<child_subvolume> out;
    struct btrfs_ioctl_search_args args{};
    auto &key = args.key;
    key.tree_id = BTRFS_ROOT_TREE_OBJECTID;
    key.min_objectid = key.max_objectid = id;
    key.min_type = key.max_type = BTRFS_ROOT_REF_KEY;
    key.min_offset = 0;
    key.max_offset = UINT64_MAX;
    key.min_transid = 0;
    key.max_transid = UINT64_MAX;
    for (;;) {
        key.nr_items = 4096;
        if (::ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args) != 0) throw_errno(errno, "search nested subvolumes");
        if (key.nr_items == 0) break;
        size_t pos = 0;
        uint64_t last_offset = 0;
        for (uint32_t i = 0; i < key.nr_items; ++i) {
            btrfs_ioctl_search_header sh;
            std::memcpy(&sh, args.buf + pos, sizeof sh);
            pos += sizeof sh;
            last_offset = sh.offset;
            if (sh.objectid == id && sh.type == BTRFS_ROOT_REF_KEY && sh.len >= sizeof(btrfs_root_ref)) {
                btrfs_root_ref ref;
                std::memcpy(&ref, args.buf + pos, sizeof ref);
                child_subvolume c;
                c.id = sh.offset; // ROOT_REF key: (parent, ROOT_REF, child)
                c.name.assign(args.buf + pos + sizeof ref, le16toh(ref.name_len)); // on-disk: little endian
                struct btrfs_ioctl_ino_lookup_args look{};
                look.treeid = id;
                look.objectid = le64toh(ref.dirid);
                if (::ioctl(fd, BTRFS_IOC_INO_LOOKUP, &look) != 0)
                    throw_errno(errno, "resolve nested subvolume " + c.name);
                c.dir = look.name; // "" at the root, else "a/b/"
                out.push_back(std::move(c));
            }
            pos += sh.len;
        }
        if (last_offset == UINT64_MAX) break;
        key.min_offset = last_offset + 1;
    }
    return out;
}

std::vector<uint64_t> destroy_subvolume_tree(int dirfd, const std::string &name, const std::string &what) {
    std::vector<uint64_t> destroyed;
    {
        unique_fd self = open_dir_at(dirfd, name, what);
        // A plain directory would report the id of the subvolume holding it,
        // and "its" children would be that subvolume's: other layers.
        struct stat st{};
        if (::fstat(self.get(), &st) != 0) throw_errno(errno, "stat " + what);
        if (st.st_ino != BTRFS_FIRST_FREE_OBJECTID)
            throw sdk::error(BERTH_E_INVAL, "btrfs: " + what + " is not a subvolume");
        uint64_t id = subvolume_id(self.get());
        for (const auto &c : child_subvolumes(self.get(), id)) {
            unique_fd holder = open_dir_at(self.get(), c.dir.empty() ? "." : c.dir, what + "/" + c.dir);
            auto inner = destroy_subvolume_tree(holder.get(), c.name, what + "/" + c.dir + c.name);
            destroyed.insert(destroyed.end(), inner.begin(), inner.end());
        }
        destroyed.push_back(id);
    } // close our fd before the destroy: an open descriptor does not block it,
      // but there is no reason to keep the dying tree pinned
    struct btrfs_ioctl_vol_args args{};
    copy_name(args.name, name, what);
    if (::ioctl(dirfd, BTRFS_IOC_SNAP_DESTROY, &args) != 0) throw_errno(errno, "delete subvolume " + what);
    return destroyed;
}

} // namespace berth::btrfs
