// safe_path.cpp — resolving tar member names inside the target root.
//
// Every lookup below the root goes through openat2 with RESOLVE_IN_ROOT:
// the kernel resolves "..", absolute symlinks and relative symlinks as if
// the root were "/", so nothing a layer creates can steer a later write
// outside. Only the final component is then used with an *at() call that
// does not follow symlinks.
#include "internal.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include <cerrno>

namespace berth::layertar::detail {

int openat2_in_root(int root_fd, const char *path, int flags) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // RESOLVE_IN_ROOT answers EAGAIN when a rename raced a ".." walk; the
    // retry bound only keeps a hostile neighbour from spinning us forever.
    for (int attempt = 0;; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0) return static_cast<int>(fd);
        int err = errno;
        if (err == EINTR || (err == EAGAIN && attempt < 128)) continue;
        if (err == ENOSYS)
            fail(BERTH_E_PREREQ, "openat2 is not available: Linux 5.6 or newer is required for layer tars");
        return -err;
    }
}

namespace {

[[noreturn]] void parent_error(int err, const std::string &dir, const std::string &entry) {
    if (err == ENOTDIR)
        fail(BERTH_E_INVAL, "entry '" + entry + "': parent '" + dir + "' is not a directory");
    fail_errno(err, "entry '" + entry + "': cannot open parent '" + dir + "'");
}

} // namespace

ParentDir open_parent_in_root(int root_fd, const std::vector<std::string> &components, bool create,
                              const std::string &entry, const Owner *implied_owner) {
    ParentDir out;
    out.name = components.back();
    size_t n = components.size() - 1;
    std::string parent = n == 0 ? std::string(".") : join_components(components, n);
    int fd = openat2_in_root(root_fd, parent.c_str(), O_PATH | O_DIRECTORY);
    if (fd >= 0) {
        out.fd.reset(fd);
        return out;
    }
    if (fd != -ENOENT) parent_error(-fd, parent, entry);
    if (!create) return out;

    // Slow path, only for entries whose directories the tar did not list:
    // walk down, making what is missing. Each mkdirat happens in a directory
    // that was itself resolved inside the root.
    fd = openat2_in_root(root_fd, ".", O_PATH | O_DIRECTORY);
    if (fd < 0) fail_errno(-fd, "cannot open the target root");
    UniqueFd cur(fd);
    for (size_t i = 0; i < n; ++i) {
        std::string prefix = join_components(components, i + 1);
        fd = openat2_in_root(root_fd, prefix.c_str(), O_PATH | O_DIRECTORY);
        if (fd == -ENOENT) {
            if (::mkdirat(cur.get(), components[i].c_str(), 0755) == 0) {
                // Under an id map the container's root must own what the
                // tar implied, as dockerd does, not the host's root.
                if (implied_owner != nullptr &&
                    ::fchownat(cur.get(), components[i].c_str(), implied_owner->uid, implied_owner->gid,
                               AT_SYMLINK_NOFOLLOW) < 0)
                    fail_errno(errno, "entry '" + entry + "': chown of '" + prefix + "'");
                // Not the umask: docker makes implied directories 0755.
                if (::fchmodat(cur.get(), components[i].c_str(), 0755, 0) < 0)
                    fail_errno(errno, "entry '" + entry + "': chmod of '" + prefix + "'");
                fd = ::openat(cur.get(), components[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) fd = -errno;
            } else if (errno == EEXIST) {
                // Something is there that resolution could not enter: a
                // symlink pointing at a missing path.
                fail(BERTH_E_INVAL, "entry '" + entry + "': parent '" + prefix +
                                        "' is a symlink to a missing directory");
            } else {
                fail_errno(errno, "entry '" + entry + "': cannot create '" + prefix + "'");
            }
        }
        if (fd < 0) parent_error(-fd, prefix, entry);
        cur.reset(fd);
    }
    out.fd = std::move(cur);
    return out;
}

std::string proc_fd_path(int dirfd, const std::string &name) {
    return "/proc/self/fd/" + std::to_string(dirfd) + "/" + name;
}

} // namespace berth::layertar::detail
