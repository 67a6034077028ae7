#include "containers/service/init_layer.h"

#include "containers/archive/rootfs_path.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace berth::containers {
namespace {

using archive::UniqueFd;

// Who owns what this file creates: the container's root.
struct Owner {
    uid_t uid = 0;
    gid_t gid = 0;
};

void give(int dirfd, const char *name, Owner owner) {
    if (owner.uid == 0 && owner.gid == 0) return;
    if (::fchownat(dirfd, name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0)
        throw std::system_error(errno, std::generic_category(), std::string("chown ") + name);
}

// The directory path (absolute inside the rootfs), created as needed; an O_PATH fd.
UniqueFd ensure_dir(int root, const std::string &path, Owner owner) {
    std::string prefix;
    size_t pos = 1;
    UniqueFd cur = archive::open_in_root(root, "/", O_PATH | O_DIRECTORY);
    while (pos <= path.size()) {
        const size_t next = path.find('/', pos);
        const std::string name = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        pos = next == std::string::npos ? path.size() + 1 : next + 1;
        if (name.empty()) continue;
        prefix += "/" + name;
        try {
            cur = archive::open_in_root(root, prefix, O_PATH | O_DIRECTORY);
        } catch (const std::system_error &e) {
            if (e.code().value() != ENOENT) throw;
            if (::mkdirat(cur.get(), name.c_str(), 0755) == 0) give(cur.get(), name.c_str(), owner);
            else if (errno != EEXIST) throw std::system_error(errno, std::generic_category(), "mkdir " + prefix);
            cur = archive::open_in_root(root, prefix, O_PATH | O_DIRECTORY);
        }
    }
    return cur;
}

void ensure_file(int root, const std::string &dir, const std::string &name, Owner owner) {
    UniqueFd parent = ensure_dir(root, dir, owner);
    // O_PATH cannot create: reopen the directory for real through /proc.
    UniqueFd d = archive::open_in_root(root, dir, O_RDONLY | O_DIRECTORY);
    const int fd = ::openat(d.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (fd < 0) return; // EEXIST (a file, a symlink, a directory): the image's own entry stays
    ::close(fd);
    give(d.get(), name.c_str(), owner);
}

} // namespace

void write_init_file(const std::string &rootfs, const std::string &dir, const std::string &name,
                     const std::string &content) {
    UniqueFd root = archive::open_root(rootfs);
    UniqueFd d = archive::open_in_root(root.get(), dir, O_RDONLY | O_DIRECTORY);
    const int fd = ::openat(d.get(), name.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return; // the image's own entry (a symlink, a directory) stays
    size_t off = 0;
    while (off < content.size()) {
        const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    ::close(fd);
}

void populate_init_layer(const std::string &rootfs, unsigned root_uid, unsigned root_gid) {
    const Owner owner{static_cast<uid_t>(root_uid), static_cast<gid_t>(root_gid)};
    UniqueFd root = archive::open_root(rootfs);
    for (const char *d : {"/dev/pts", "/dev/shm", "/proc", "/sys"}) ensure_dir(root.get(), d, owner);
    ensure_file(root.get(), "/", ".dockerenv", owner);
    ensure_file(root.get(), "/etc", "resolv.conf", owner);
    ensure_file(root.get(), "/etc", "hosts", owner);
    ensure_file(root.get(), "/etc", "hostname", owner);
    ensure_file(root.get(), "/dev", "console", owner);
    UniqueFd etc = archive::open_in_root(root.get(), "/etc", O_RDONLY | O_DIRECTORY);
    if (::symlinkat("/proc/mounts", etc.get(), "mtab") == 0) give(etc.get(), "mtab", owner); // EEXIST: the image has one
}

} // namespace berth::containers
