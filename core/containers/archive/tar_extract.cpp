#include "containers/archive/tar_extract.h"

#include "containers/archive/rootfs_path.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <tuple>
#include <vector>

namespace berth::containers::archive {
namespace {

[[noreturn]] void fail_errno(const std::string &what) { throw std::system_error(errno, std::generic_category(), what); }

// A tar name as a list of elements: "./a//b/" -> {a, b}. Absolute names
// and ".." anywhere are refused: nothing in a copy needs them, and they are
// how a tar reaches outside its destination.
std::vector<std::string> checked_elements(const std::string &name, const char *what) {
    if (!name.empty() && name.front() == '/') throw ExtractRefused(std::string(what) + " \"" + name + "\" is absolute");
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= name.size()) {
        size_t end = name.find('/', i);
        if (end == std::string::npos) end = name.size();
        std::string e = name.substr(i, end - i);
        if (e == "..") throw ExtractRefused(std::string(what) + " \"" + name + "\" leaves the destination (\"..\")");
        if (!e.empty() && e != ".") out.push_back(std::move(e));
        i = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string> &elements, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + elements[i];
    return out.empty() ? "." : out;
}

// Remove name in parent_fd and, for a directory, everything below it,
// never following a symlink (one fd per level).
void remove_entry(int parent_fd, const std::string &name) {
    if (::unlinkat(parent_fd, name.c_str(), 0) == 0) return;
    if (errno != EISDIR) fail_errno("remove " + name);
    {
        UniqueFd dir(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) fail_errno("open " + name);
        const int dup_fd = ::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0);
        DIR *d = dup_fd < 0 ? nullptr : ::fdopendir(dup_fd);
        if (d == nullptr) {
            if (dup_fd >= 0) ::close(dup_fd);
            fail_errno("opendir " + name);
        }
        std::vector<std::string> children;
        while (const dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) children.emplace_back(e->d_name);
        ::closedir(d);
        for (const auto &c : children) remove_entry(dir.get(), c);
    }
    if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0) fail_errno("remove " + name);
}

class Extractor {
public:
    Extractor(int dest_fd, const ExtractOptions &options) : dest_(dest_fd), options_(options) {}

    void entry(struct archive *a, archive_entry *e) {
        const std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
        const auto elements = checked_elements(name, "entry");
        const mode_t type = archive_entry_filetype(e);
        const char *hardlink = archive_entry_hardlink(e);
        (void)host_owner(e);
        if (elements.empty()) {
            // The destination's own entry ("./" of `docker cp dir/. ctr:/x`):
            // merge, taking its metadata as moby does.
            if (hardlink != nullptr || type != AE_IFDIR)
                throw ExtractRefused("entry \"" + name + "\" would replace the destination directory");
            set_metadata(dest_, "", e, type);
            dirs_.push_back({{}, e_times(e)});
            return;
        }
        const std::string base = elements.back();
        UniqueFd parent = open_parent(elements);
        replace_existing(parent.get(), base, name, hardlink != nullptr ? 0 : type);

        if (hardlink != nullptr) {
            link_to(parent.get(), base, checked_elements(hardlink, "hard link target"));
            return; // the inode keeps the metadata it has
        }
        switch (type) {
        case AE_IFDIR:
            if (::mkdirat(parent.get(), base.c_str(), 0700) != 0 && errno != EEXIST) fail_errno("mkdir " + name);
            break;
        case AE_IFREG: write_file(a, parent.get(), base, name, archive_entry_size(e)); break;
        case AE_IFLNK:
            if (::symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", parent.get(), base.c_str()) != 0)
                fail_errno("symlink " + name);
            break;
        case AE_IFIFO:
        case AE_IFCHR:
        case AE_IFBLK: {
            const dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
            if (::mknodat(parent.get(), base.c_str(), type | 0600, type == AE_IFIFO ? 0 : dev) != 0)
                fail_errno("mknod " + name);
            break;
        }
        default: throw ExtractRefused("entry \"" + name + "\" has a type a copy cannot hold");
        }
        set_metadata(parent.get(), base, e, type);
        if (type == AE_IFDIR)
            dirs_.push_back({std::vector<std::string>(elements.begin(), elements.end()), e_times(e)});
        else
            set_times(parent.get(), base, e_times(e));
    }

    // Directory times last: creating their children changed them.
    void finish() {
        for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
            if (it->elements.empty()) {
                ::futimens(dest_, it->times.data());
                continue;
            }
            try {
                UniqueFd parent =
                    open_in_root(dest_, join(it->elements, it->elements.size() - 1), O_PATH | O_DIRECTORY);
                set_times(parent.get(), it->elements.back(), it->times);
            } catch (const std::system_error &) {
                // Replaced by a later entry: nothing left to date.
            }
        }
    }

private:
    using Times = std::array<timespec, 2>;
    struct PendingDir {
        std::vector<std::string> elements;
        Times times;
    };

    static Times e_times(archive_entry *e) {
        Times t{};
        t[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
        t[0] = archive_entry_atime_is_set(e) ? timespec{archive_entry_atime(e), archive_entry_atime_nsec(e)} : t[1];
        return t;
    }

    static void set_times(int parent_fd, const std::string &base, const Times &t) {
        ::utimensat(parent_fd, base.c_str(), t.data(), AT_SYMLINK_NOFOLLOW); // best effort, as moby
    }

    // The entry's parent directory, created 0755 where missing (moby's
    // MkdirAll, as if chrooted into the destination). Symlinks on the way
    // are followed lexically with the destination as "/", so a dangling
    // "out -> ../../host" makes dest/host; every mkdir goes through an fd
    // opened with RESOLVE_IN_ROOT.
    UniqueFd open_parent(const std::vector<std::string> &elements) {
        const std::string parent = join(elements, elements.size() - 1);
        try {
            return open_in_root(dest_, parent, O_PATH | O_DIRECTORY);
        } catch (const std::system_error &e) {
            if (e.code().value() != ENOENT) throw;
        }
        const auto real = checked_elements(follow_symlinks_in_scope(dest_, parent).substr(1), "parent");
        UniqueFd cur = open_in_root(dest_, ".", O_PATH | O_DIRECTORY);
        for (size_t i = 0; i < real.size(); ++i) {
            if (::mkdirat(cur.get(), real[i].c_str(), 0755) != 0 && errno != EEXIST)
                fail_errno("mkdir " + join(real, i + 1));
            cur = open_in_root(dest_, join(real, i + 1), O_PATH | O_DIRECTORY);
        }
        return open_in_root(dest_, parent, O_PATH | O_DIRECTORY);
    }

    // moby: an existing entry goes unless both are directories (merge);
    // under noOverwriteDirNonDir a directory/non-directory swap is refused.
    void replace_existing(int parent_fd, const std::string &base, const std::string &name, mode_t type) {
        struct stat st {};
        if (::fstatat(parent_fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT) return;
            fail_errno("stat " + name);
        }
        const bool old_dir = S_ISDIR(st.st_mode), new_dir = type == AE_IFDIR;
        if (options_.no_overwrite_dir_non_dir && old_dir && !new_dir)
            throw ExtractRefused("cannot overwrite directory \"" + name + "\" with non-directory");
        if (options_.no_overwrite_dir_non_dir && !old_dir && new_dir)
            throw ExtractRefused("cannot overwrite non-directory \"" + name + "\" with directory");
        if (!(old_dir && new_dir)) remove_entry(parent_fd, base);
    }

    // A hard link to an entry already in the destination (resolved inside
    // it; a symlink as the last element is linked itself).
    void link_to(int parent_fd, const std::string &base, const std::vector<std::string> &target) {
        if (target.empty()) throw ExtractRefused("hard link \"" + base + "\" to the destination itself");
        UniqueFd t = open_in_root(dest_, join(target, target.size()), O_PATH | O_NOFOLLOW);
        if (::linkat(t.get(), "", parent_fd, base.c_str(), AT_EMPTY_PATH) == 0) return;
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the fd's /proc link does not.
        const std::string proc = "/proc/self/fd/" + std::to_string(t.get());
        if (::linkat(AT_FDCWD, proc.c_str(), parent_fd, base.c_str(), AT_SYMLINK_FOLLOW) != 0)
            fail_errno("link " + base + " to " + join(target, target.size()));
    }

    void write_file(struct archive *a, int parent_fd, const std::string &base, const std::string &name, int64_t size) {
        UniqueFd fd(::openat(parent_fd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) fail_errno("create " + name);
        const void *buf = nullptr;
        size_t len = 0;
        la_int64_t offset = 0;
        for (;;) {
            const int rc = archive_read_data_block(a, &buf, &len, &offset);
            if (rc == ARCHIVE_EOF) break;
            if (rc < ARCHIVE_WARN)
                throw ExtractRefused("tar: " +
                                     std::string(archive_error_string(a) ? archive_error_string(a) : "read failed"));
            const char *p = static_cast<const char *>(buf);
            while (len > 0) {
                const ssize_t n = ::pwrite(fd.get(), p, len, offset);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    fail_errno("write " + name);
                }
                p += n, len -= static_cast<size_t>(n), offset += n;
            }
        }
        if (::ftruncate(fd.get(), size) != 0) fail_errno("truncate " + name); // sparse tails
    }

    // The entry's owner (the tar's or `owner`) as host ids; an id the map
    // lacks refuses the entry. Checked before the entry touches the
    // destination, as moby remaps a header before it creates anything.
    std::pair<uid_t, gid_t> host_owner(archive_entry *e) const {
        uid_t uid = static_cast<uid_t>(archive_entry_uid(e));
        gid_t gid = static_cast<gid_t>(archive_entry_gid(e));
        if (options_.owner) std::tie(uid, gid) = *options_.owner;
        const auto host_uid = options_.id_map.host_uid(uid), host_gid = options_.id_map.host_gid(gid);
        if (!host_uid || !host_gid)
            throw ExtractRefused("container ID " + std::to_string(host_uid ? gid : uid) + " of '" +
                                 archive_entry_pathname(e) + "' cannot be mapped to a host ID");
        return {*host_uid, *host_gid};
    }

    // Owner, xattrs, then mode (chown clears set-id bits). base "" means
    // fd itself. Symlinks get an owner only.
    void set_metadata(int fd, const std::string &base, archive_entry *e, mode_t type) {
        const auto [uid, gid] = host_owner(e);
        const int at = base.empty() ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW;
        if (::fchownat(fd, base.c_str(), uid, gid, at) != 0 && ::geteuid() == 0) fail_errno("chown " + base);
        if (type == AE_IFLNK) return;
        if (type == AE_IFREG || type == AE_IFDIR) set_xattrs(fd, base, e);
        const mode_t mode = archive_entry_perm(e) & 07777;
        // glibc's fchmodat(AT_SYMLINK_NOFOLLOW) goes through an O_PATH fd:
        // a symlink swapped in meanwhile is refused, never followed.
        const int rc = base.empty() ? ::fchmod(fd, mode) : ::fchmodat(fd, base.c_str(), mode, AT_SYMLINK_NOFOLLOW);
        if (rc != 0) fail_errno("chmod " + base);
    }

    // overlayfs reads trusted.overlay.* (and user.overlay.* under
    // userxattr) from the upper layer: a tar must not set those.
    static void set_xattrs(int fd, const std::string &base, archive_entry *e) {
        if (archive_entry_xattr_reset(e) == 0) return;
        UniqueFd own(base.empty() ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0)
                                  : ::openat(fd, base.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (!own) return;
        const char *key = nullptr;
        const void *value = nullptr;
        size_t size = 0;
        while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
            const std::string k = key ? key : "";
            if (k.rfind("trusted.overlay.", 0) == 0 || k.rfind("user.overlay.", 0) == 0) continue;
            // moby ignores what the file system does not support.
            ::fsetxattr(own.get(), k.c_str(), value, size, 0);
        }
    }

    int dest_;
    const ExtractOptions &options_;
    std::vector<PendingDir> dirs_;
};

} // namespace

ExtractResult extract_tar(int in_fd, int dest_fd, const ExtractOptions &options) {
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    if (!a) throw std::runtime_error("tar: out of memory");
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    archive_read_support_filter_none(a.get());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_zstd(a.get());
    if (archive_read_open_fd(a.get(), in_fd, 1 << 16) != ARCHIVE_OK)
        throw ExtractRefused(std::string("tar: ") + archive_error_string(a.get()));
    Extractor x(dest_fd, options);
    ExtractResult result;
    for (;;) {
        archive_entry *e = nullptr;
        const int rc = archive_read_next_header(a.get(), &e);
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN) {
            const char *msg = archive_error_string(a.get());
            throw ExtractRefused(std::string("tar: ") + (msg ? msg : "unreadable"));
        }
        x.entry(a.get(), e);
        ++result.entries;
    }
    x.finish();
    return result;
}

} // namespace berth::containers::archive
