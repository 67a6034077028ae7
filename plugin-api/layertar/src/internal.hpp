// internal.hpp — helpers shared by the layertar sources; not installed.
#pragma once

#include <berth/abi.h>
#include <berth/layertar.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::layertar::detail {

// An owned file descriptor. close() errors are ignored here: every fd whose
// close could report lost data (written files) is closed explicitly.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
    UniqueFd &operator=(UniqueFd &&other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// A file's identity.
struct DevIno {
    dev_t dev;
    ino_t ino;
    bool operator==(const DevIno &) const = default;
};
struct DevInoHash {
    size_t operator()(const DevIno &d) const noexcept {
        return std::hash<uint64_t>()(static_cast<uint64_t>(d.ino) * 1000003u ^ static_cast<uint64_t>(d.dev));
    }
};

// ---- errors (errors.cpp) ----------------------------------------------------

// BERTH_E_* for an errno: PERM for the kernel refusing, INVAL for names the
// tar made impossible (too long, symlink loops), IO for everything else.
int32_t status_from_errno(int err) noexcept;
[[noreturn]] void fail(int32_t code, const std::string &message);
// Throws LayerError(status_from_errno(err), "<what>: <strerror(err)>").
[[noreturn]] void fail_errno(int err, const std::string &what);

// ---- id mapping (id_map.cpp) --------------------------------------------------

// A file's owner as host ids.
struct Owner {
    uid_t uid;
    gid_t gid;
};
// INVAL unless the map's host ranges fit below (uid_t)-1, which chown
// reads as "leave unchanged".
void check_id_map(const IdMap &map);
// The host owner for a tar entry's container uid and gid. With a map, an id
// outside it throws INVAL naming the entry (its checked `components`) and
// the id; the identity takes the ids as they are (cut to 32 bits, as the
// chown call would).
Owner host_owner(const IdMap &map, int64_t uid, int64_t gid, const std::vector<std::string> &components);
// The container's view of host id `id` in a map range starting at `base`:
// id - base inside [base, base + size), overflow_id outside.
uint32_t container_id(uint32_t base, uint32_t size, uint32_t id) noexcept;

// ---- names and paths (paths.cpp) ---------------------------------------------

// Splits a tar member name into its components, dropping "." and empty ones
// ("./a//b/" -> {"a", "b"}). Throws LayerError(INVAL) naming `what` for an
// absolute name or a ".." component; an empty result is the root itself.
std::vector<std::string> tar_components(std::string_view name, std::string_view what);
// Same rules for a Change path ("/a/b" is relative to the layer root).
std::vector<std::string> change_components(std::string_view path);
// "a/b" from the first n components (all when n is npos).
std::string join_components(const std::vector<std::string> &components, size_t n = std::string::npos);
// Orders paths so that '/' sorts before every other byte: a directory's
// whole subtree then follows it contiguously ("/a", "/a/b", "/a-b").
bool path_less(std::string_view a, std::string_view b) noexcept;

// xattrs that are never copied into or out of a tar: overlayfs keeps its
// whiteouts, opaque flags, redirects and origins there (trusted.overlay.*,
// and user.overlay.* under the userxattr mount option), so a tar carrying
// them could forge overlay metadata.
bool is_overlay_xattr(std::string_view name) noexcept;

// ---- safe path resolution (safe_path.cpp) -----------------------------------

// openat2(dirfd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS: symlinks, absolute or relative, resolve as if
// dirfd were "/". Returns the fd or -errno; retries the kernel's EAGAIN.
// Throws LayerError(PREREQ) on a kernel without openat2.
int openat2_in_root(int root_fd, const char *path, int flags);

// The directory that holds the last of `components`, resolved inside root,
// as an O_PATH fd, plus that last component.
struct ParentDir {
    UniqueFd fd;
    std::string name;
};
// With create, missing directories on the way are made (0755, like docker,
// and owned by implied_owner when given); without, fd is empty when the
// parent does not exist. `entry` names the tar member in errors. A component
// that exists but is no directory (or is a dangling symlink) is refused with
// INVAL.
ParentDir open_parent_in_root(int root_fd, const std::vector<std::string> &components, bool create,
                              const std::string &entry, const Owner *implied_owner = nullptr);

// "/proc/self/fd/<dirfd>/<name>": how the l*xattr calls address an entry
// without following a symlink in its place and without a path that could
// leave dirfd.
std::string proc_fd_path(int dirfd, const std::string &name);

// ---- xattrs (xattrs.cpp) ----------------------------------------------------

struct Xattr {
    std::string name;
    std::string value;
};
// All xattrs of an entry except the overlay ones, sorted by name. With
// fd >= 0 the open file is asked; otherwise `name` inside dirfd, not
// following a symlink. Filesystems without xattrs yield none.
std::vector<Xattr> read_xattrs(int fd, int dirfd, const std::string &name);
// One xattr's value, or false when unset.
bool get_xattr(int dirfd, const std::string &name, const char *xattr, std::string &value);

// ---- removal (remove_tree.cpp) ------------------------------------------------

// Removes `name` inside dirfd: a file, a symlink (never followed) or a whole
// directory tree, staying on the file system of that directory. Missing is
// fine. `display` names it in errors.
void remove_at(int dirfd, const std::string &name, const std::string &display);

// ---- reading directories and links (read_fs.cpp) -------------------------------

struct DirChild {
    std::string name;
    struct stat st;
};
// Children of the directory open as dirfd (lstat'ed), sorted by name.
std::vector<DirChild> list_dir(int dirfd, const std::string &display);
// A tree's top directory (the caller's path; `what` names it in errors).
UniqueFd open_root(const std::filesystem::path &path, const char *what);
// The subdirectory `name` of dirfd, never through a symlink.
UniqueFd open_subdir(int dirfd, const std::string &name, const std::string &path);
// The target of the symlink `name` in dirfd.
std::string read_link(int dirfd, const std::string &name);

// An overlayfs whiteout: a 0/0 character device.
inline bool is_whiteout_device(const struct stat &st) noexcept {
    return S_ISCHR(st.st_mode) && st.st_rdev == 0;
}

// ---- shared by the two differs (change_list.cpp) ------------------------------

// Whether `name` has the same xattrs (overlay ones aside) in both dirs.
bool same_xattrs(int dirfd_a, int dirfd_b, const std::string &name);
// Same modification time, to the nanosecond.
inline bool same_mtime(const struct stat &a, const struct stat &b) noexcept {
    return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

// Collects changes during a depth-first walk and applies docker's rule that
// a directory holding a change is itself reported as modified (docker diff
// shows "C /etc" above "A /etc/foo"), then sorts by path.
class ChangeList {
public:
    // Call when entering a directory.
    size_t mark() const noexcept { return changes_.size(); }
    void add(std::string path, Change::Kind kind, bool opaque = false) {
        changes_.push_back(Change{std::move(path), kind, opaque});
    }
    // Call when leaving a directory that was entered at `mark`.
    void leave(const std::string &path, size_t mark, bool reported) {
        if (!reported && !path.empty() && changes_.size() > mark) add(path, Change::modified);
    }
    std::vector<Change> take();

private:
    std::vector<Change> changes_;
};

} // namespace berth::layertar::detail
