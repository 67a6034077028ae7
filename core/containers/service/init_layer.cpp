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

// The directory path (absolute inside the rootfs), created as needed; an O_PATH fd.
UniqueFd ensure_dir(int root, const std::string &path) {
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
            if (::mkdirat(cur.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
                throw std::system_error(errno, std::generic_category(), "mkdir " + prefix);
            cur = archive::open_in_root(root, prefix, O_PATH | O_DIRECTORY);
        }
    }
    return cur;
}

void ensure_file(int root, const std::string &dir, const std::string &name) {
    UniqueFd parent = ensure_dir(root, dir);
    // O_PATH cannot create: reopen the directory for real through /proc.
    UniqueFd d = archive::open_in_root(root, dir, O_RDONLY | O_DIRECTORY);
    const int fd = ::openat(d.get(), name.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (fd >= 0) ::close(fd); // ELOOP (a symlink there) or EISDIR: the image's own entry stays
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

void populate_init_layer(const std::string &rootfs) {
    UniqueFd root = archive::open_root(rootfs);
    for (const char *d : {"/dev/pts", "/dev/shm", "/proc", "/sys"}) ensure_dir(root.get(), d);
    ensure_file(root.get(), "/", ".dockerenv");
    ensure_file(root.get(), "/etc", "resolv.conf");
    ensure_file(root.get(), "/etc", "hosts");
    ensure_file(root.get(), "/etc", "hostname");
    ensure_file(root.get(), "/dev", "console");
    UniqueFd etc = archive::open_in_root(root.get(), "/etc", O_RDONLY | O_DIRECTORY);
    (void)::symlinkat("/proc/mounts", etc.get(), "mtab"); // EEXIST: the image has one
}

} // namespace berth::containers
