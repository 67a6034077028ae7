// extract.cpp — apply(): reading a layer tar with libarchive and creating its
// entries inside the target root.
//
// libarchive only parses; every file system call is made here, on fds that
// open_parent_in_root() resolved inside the root, with the final component
// never followed. See the safety contract in layertar.hpp.
#include "apply_state.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace berth::layertar::detail {

void ApplyState::mark_extracted(const std::vector<std::string> &components) {
    std::string path = join_components(components);
    extracted.insert(path);
    for (size_t slash = path.rfind('/'); slash != std::string::npos && slash != 0; slash = path.rfind('/', slash - 1)) {
        // Stop at the first ancestor already known: all above it are too.
        if (!above_extracted.insert(path.substr(0, slash)).second) break;
    }
}

int ApplyState::parent_fd(const std::vector<std::string> &components, const std::string &entry) {
    std::string path = join_components(components, components.size() - 1);
    if (parent_valid && path == parent_path) return parent.get();
    parent_valid = false;
    parent = open_parent_in_root(root_fd, components, true, entry, implied()).fd;
    parent_path = std::move(path);
    parent_valid = true;
    return parent.get();
}

void ApplyState::remove(int dirfd, const std::string &name, const std::string &display) {
    forget_parent();
    remove_at(dirfd, name, display);
}

namespace {

constexpr size_t read_block = 1 << 20;

struct Source {
    int fd;
    int read_errno = 0; // set when the input itself failed, not its content
    std::unique_ptr<char[]> buffer{new char[read_block]};
};

la_ssize_t read_source(struct archive *a, void *ctx, const void **out) {
    auto *source = static_cast<Source *>(ctx);
    for (;;) {
        ssize_t n = ::read(source->fd, source->buffer.get(), read_block);
        if (n >= 0) {
            *out = source->buffer.get();
            return n;
        }
        if (errno == EINTR) continue;
        source->read_errno = errno;
        archive_set_error(a, errno, "read: %s", std::strerror(errno));
        return -1;
    }
}

struct ArchiveFree {
    void operator()(struct archive *a) const noexcept { archive_read_free(a); }
};

[[noreturn]] void archive_fail(struct archive *a, const Source &source, const std::string &what) {
    const char *message = archive_error_string(a);
    // A failing input is the disk's (or pipe's) fault; anything else
    // libarchive reports is a malformed or truncated tar.
    fail(source.read_errno != 0 ? BERTH_E_IO : BERTH_E_INVAL,
         what + ": " + (message != nullptr ? message : "unknown libarchive error"));
}

void entry_times(struct archive_entry *entry, struct timespec times[2]) {
    times[1].tv_sec = 0;
    times[1].tv_nsec = UTIME_OMIT;
    if (archive_entry_mtime_is_set(entry)) {
        times[1].tv_sec = archive_entry_mtime(entry);
        times[1].tv_nsec = archive_entry_mtime_nsec(entry);
    }
    // Like docker: an atime older than the mtime (ustar has none at all)
    // becomes the mtime.
    times[0] = times[1];
    if (archive_entry_atime_is_set(entry) && times[1].tv_nsec != UTIME_OMIT) {
        struct timespec a = {archive_entry_atime(entry), archive_entry_atime_nsec(entry)};
        if (a.tv_sec > times[1].tv_sec || (a.tv_sec == times[1].tv_sec && a.tv_nsec > times[1].tv_nsec))
            times[0] = a;
    }
}

class Extractor {
public:
    Extractor(ApplyState &state, struct archive *a, const Source &source) : s_(state), a_(a), source_(source) {}

    void entry(struct archive_entry *entry) {
        const char *raw = archive_entry_pathname(entry);
        if (raw == nullptr) raw = archive_entry_pathname_utf8(entry);
        if (raw == nullptr) fail(BERTH_E_INVAL, "layer tar: an entry has no usable name");
        name_ = raw;
        std::vector<std::string> components = tar_components(name_, "entry");
        // "./" is the root itself; docker leaves the root's metadata alone.
        if (components.empty()) return;
        // Mapped first: an entry whose owner has no host id must leave
        // nothing behind, not even a removed whiteout victim.
        owner_ = host_owner(s_.options.id_map, archive_entry_uid(entry), archive_entry_gid(entry), components);
        if (components.back().starts_with(".wh.")) {
            apply_whiteout(s_, components, owner_);
            return;
        }

        const char *hardlink = archive_entry_hardlink(entry);
        if (hardlink == nullptr) hardlink = archive_entry_hardlink_utf8(entry);
        mode_t type = archive_entry_filetype(entry);
        if (hardlink == nullptr) check_type(type);

        if (hardlink != nullptr) {
            // The target is checked before anything is touched.
            struct stat target_st;
            ParentDir target = link_target(hardlink, target_st);
            int dirfd = s_.parent_fd(components, name_);
            link(target, target_st, dirfd, components.back(), hardlink);
        } else {
            int dirfd = s_.parent_fd(components, name_);
            const std::string &name = components.back();
            switch (type) {
            case AE_IFREG: regular(dirfd, name, entry); break;
            case AE_IFDIR: directory(dirfd, name, entry, components); break;
            case AE_IFLNK: symlink(dirfd, name, entry); break;
            default: special(dirfd, name, entry, type); break;
            }
        }
        s_.mark_extracted(components);
    }

private:
    std::string at(const std::string &what) const { return "entry '" + name_ + "': " + what; }

    void check_type(mode_t type) const {
        switch (type) {
        case AE_IFREG:
        case AE_IFDIR:
        case AE_IFLNK:
        case AE_IFIFO: return;
        case AE_IFCHR:
        case AE_IFBLK:
            if (!s_.options.allow_devices) fail(BERTH_E_INVAL, at("device nodes are not allowed"));
            return;
        default: fail(BERTH_E_INVAL, at("unsupported file type"));
        }
    }

    // Whatever is in the way of a new entry goes, a whole directory
    // included (docker does the same), never through a symlink. Creation is
    // tried first: the common case (nothing there) costs no extra stat.
    template <class Create>
    void create(int dirfd, const std::string &name, Create create_call, const char *what) {
        if (create_call() == 0) return;
        if (errno != EEXIST) fail_errno(errno, at(what));
        s_.remove(dirfd, name, name_);
        if (create_call() != 0) fail_errno(errno, at(what));
    }

    ParentDir link_target(const char *hardlink, struct stat &st) {
        std::vector<std::string> components = tar_components(hardlink, "hard link target of '" + name_ + "'");
        if (components.empty()) fail(BERTH_E_INVAL, at("hard link to the root"));
        ParentDir target = open_parent_in_root(s_.root_fd, components, false, name_);
        // Identity, not the name: the path could now resolve (through a
        // symlink from this tar) to a file that was already in the target.
        if (!target.fd || ::fstatat(target.fd.get(), target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            S_ISDIR(st.st_mode) || s_.created.count(DevIno{st.st_dev, st.st_ino}) == 0)
            fail(BERTH_E_INVAL,
                 at("hard link target '" + std::string(hardlink) + "' was not extracted earlier from this tar"));
        return target;
    }

    void link(const ParentDir &target, const struct stat &target_st, int dirfd, const std::string &name,
              const char *hardlink) {
        if (::linkat(target.fd.get(), target.name.c_str(), dirfd, name.c_str(), 0) == 0) return;
        if (errno == EEXIST) {
            struct stat old;
            if (::fstatat(dirfd, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0 && old.st_dev == target_st.st_dev &&
                old.st_ino == target_st.st_ino)
                return; // already that file
            s_.remove(dirfd, name, name_);
            if (::linkat(target.fd.get(), target.name.c_str(), dirfd, name.c_str(), 0) == 0) return;
        }
        // The removal took the target with it ("d/f", then "d" as a link).
        if (errno == ENOENT) fail(BERTH_E_INVAL, at("hard link target '" + std::string(hardlink) + "' is gone"));
        fail_errno(errno, at("link"));
    }

    // Owner (the entry's, mapped to host ids) and mode from the tar, each
    // only when the file does not already have it (st is its current
    // state). chown comes first: it clears the set-id bits.
    void own_and_chmod(int fd, int dirfd, const std::string &name, struct archive_entry *entry, const struct stat &st,
                       bool chmod) {
        if (s_.chown) {
            const uid_t uid = owner_.uid;
            const gid_t gid = owner_.gid;
            if (st.st_uid != uid || st.st_gid != gid) {
                int r = fd >= 0 ? ::fchown(fd, uid, gid)
                                : ::fchownat(dirfd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
                if (r < 0) fail_errno(errno, at("chown"));
            }
        }
        if (!chmod) return;
        mode_t perm = archive_entry_perm(entry) & 07777;
        if ((st.st_mode & 07777) == perm && (perm & 06000) == 0) return;
        // fchmodat always follows: only used on names created just now as
        // non-symlinks.
        int r = fd >= 0 ? ::fchmod(fd, perm) : ::fchmodat(dirfd, name.c_str(), perm, 0);
        if (r < 0) fail_errno(errno, at("chmod"));
    }

    // After chown: chown clears security.capability.
    void xattrs(int fd, int dirfd, const std::string &name, struct archive_entry *entry, bool plain) {
        if (archive_entry_xattr_reset(entry) == 0) return;
        std::string path = fd >= 0 ? std::string() : proc_fd_path(dirfd, name);
        const char *key = nullptr;
        const void *value = nullptr;
        size_t size = 0;
        while (archive_entry_xattr_next(entry, &key, &value, &size) == ARCHIVE_OK) {
            if (key == nullptr || *key == '\0' || is_overlay_xattr(key)) continue;
            int r = fd >= 0 ? ::fsetxattr(fd, key, value, size, 0) : ::lsetxattr(path.c_str(), key, value, size, 0);
            if (r == 0) continue;
            int err = errno;
            // Like docker: a target file system without that kind of xattr
            // is not an error, and neither are namespaces only root may
            // write, or user.* on a symlink or device (the kernel's rule).
            if (err == ENOTSUP) continue;
            if (err == EPERM && (::geteuid() != 0 || (!plain && std::strncmp(key, "user.", 5) == 0))) continue;
            fail_errno(err, at(std::string("set xattr ") + key));
        }
    }

    void regular(int dirfd, const std::string &name, struct archive_entry *entry) {
        // Created without set-id bits: those only go on once the content
        // and owner are final.
        mode_t perm = archive_entry_perm(entry) & 0777;
        int fd = -1;
        create(
            dirfd, name,
            [&] {
                fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm);
                return fd < 0 ? -1 : 0;
            },
            "create");
        UniqueFd file(fd);
        int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
        if (size < 0) size = 0;
        // Blocks arrive with their offsets: a sparse member yields only its
        // data, and the holes stay holes.
        int64_t end = 0;
        for (;;) {
            const void *buffer = nullptr;
            size_t length = 0;
            la_int64_t offset = 0;
            int r = archive_read_data_block(a_, &buffer, &length, &offset);
            if (r == ARCHIVE_EOF) break;
            if (r < ARCHIVE_WARN) archive_fail(a_, source_, at("read data"));
            const char *p = static_cast<const char *>(buffer);
            while (length > 0) {
                ssize_t n = ::pwrite(fd, p, length, offset);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    fail_errno(errno, at("write"));
                }
                p += n;
                length -= static_cast<size_t>(n);
                offset += n;
            }
            if (offset > end) end = offset;
        }
        // A trailing hole is only a size.
        if (end != size && ::ftruncate(fd, size) < 0) fail_errno(errno, at("truncate"));
        s_.result.bytes += size;
        struct stat st;
        if (::fstat(fd, &st) < 0) fail_errno(errno, at("stat"));
        own_and_chmod(fd, dirfd, name, entry, st, true);
        xattrs(fd, dirfd, name, entry, true);
        set_times(fd, dirfd, name, entry);
        s_.created.insert(DevIno{st.st_dev, st.st_ino});
        if (::close(file.release()) < 0) fail_errno(errno, at("close"));
    }

    void directory(int dirfd, const std::string &name, struct archive_entry *entry,
                   const std::vector<std::string> &components) {
        if (::mkdirat(dirfd, name.c_str(), 0700) < 0) {
            if (errno != EEXIST) fail_errno(errno, at("mkdir"));
            // An existing directory stays (a layer updates its metadata);
            // anything else is replaced.
            struct stat old;
            if (::fstatat(dirfd, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) < 0) fail_errno(errno, at("stat"));
            if (!S_ISDIR(old.st_mode))
                create(dirfd, name, [&] { return ::mkdirat(dirfd, name.c_str(), 0700); }, "mkdir");
        }
        int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) fail_errno(errno, at("open directory"));
        UniqueFd dir(fd);
        struct stat st;
        if (::fstat(fd, &st) < 0) fail_errno(errno, at("stat"));
        own_and_chmod(fd, dirfd, name, entry, st, false);
        xattrs(fd, dirfd, name, entry, true);
        PendingDir pending;
        pending.path = join_components(components);
        pending.id = DevIno{st.st_dev, st.st_ino};
        pending.mode = archive_entry_perm(entry) & 07777;
        entry_times(entry, pending.times);
        // A directory listed twice takes the later metadata, in the
        // position of its first listing (which precedes its children).
        auto [it, inserted] = s_.dir_index.emplace(pending.path, s_.dirs.size());
        if (inserted)
            s_.dirs.push_back(std::move(pending));
        else
            s_.dirs[it->second] = std::move(pending);
    }

    void symlink(int dirfd, const std::string &name, struct archive_entry *entry) {
        const char *target = archive_entry_symlink(entry);
        if (target == nullptr) target = archive_entry_symlink_utf8(entry);
        if (target == nullptr) fail(BERTH_E_INVAL, at("symlink without a target"));
        // The target is only text: nothing here ever follows it.
        create(dirfd, name, [&] { return ::symlinkat(target, dirfd, name.c_str()); }, "symlink");
        finish_by_name(dirfd, name, entry, false);
    }

    void special(int dirfd, const std::string &name, struct archive_entry *entry, mode_t type) {
        dev_t rdev = 0;
        if (type == AE_IFCHR || type == AE_IFBLK)
            rdev = makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
        mode_t perm = archive_entry_perm(entry) & 0777;
        create(dirfd, name, [&] { return ::mknodat(dirfd, name.c_str(), static_cast<mode_t>(type) | perm, rdev); },
               "mknod");
        finish_by_name(dirfd, name, entry, true);
    }

    // Metadata by name for what cannot be opened safely (symlinks, fifos,
    // devices).
    void finish_by_name(int dirfd, const std::string &name, struct archive_entry *entry, bool chmod) {
        struct stat st;
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) fail_errno(errno, at("stat"));
        own_and_chmod(-1, dirfd, name, entry, st, chmod);
        xattrs(-1, dirfd, name, entry, false);
        set_times(-1, dirfd, name, entry);
        s_.created.insert(DevIno{st.st_dev, st.st_ino});
    }

    void set_times(int fd, int dirfd, const std::string &name, struct archive_entry *entry) {
        struct timespec times[2];
        entry_times(entry, times);
        int r = fd >= 0 ? ::futimens(fd, times) : ::utimensat(dirfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
        if (r < 0) fail_errno(errno, at("set times"));
    }

    ApplyState &s_;
    struct archive *a_;
    const Source &source_;
    std::string name_;
    Owner owner_{0, 0}; // the current entry's host owner
};

// Directory modes and times, deepest first (the reverse of tar order), each
// checked to still be the directory that was extracted.
void finish_directories(ApplyState &s) {
    for (auto it = s.dirs.rbegin(); it != s.dirs.rend(); ++it) {
        std::vector<std::string> components = tar_components(it->path, "entry");
        ParentDir parent = open_parent_in_root(s.root_fd, components, false, it->path);
        if (!parent.fd) continue;
        int fd = ::openat(parent.fd.get(), parent.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue; // replaced later in the tar
            fail_errno(errno, "entry '" + it->path + "': open directory");
        }
        UniqueFd dir(fd);
        struct stat st;
        if (::fstat(fd, &st) < 0) fail_errno(errno, "entry '" + it->path + "': stat");
        if (!(DevIno{st.st_dev, st.st_ino} == it->id)) continue;
        if (::fchmod(fd, it->mode) < 0) fail_errno(errno, "entry '" + it->path + "': chmod");
        if (::futimens(fd, it->times) < 0) fail_errno(errno, "entry '" + it->path + "': set times");
    }
}

} // namespace
} // namespace berth::layertar::detail

namespace berth::layertar {

ApplyResult apply(int in_fd, const std::filesystem::path &root, const ApplyOptions &options) {
    using namespace detail;
    check_id_map(options.id_map);
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open target root '" + root.string() + "'");
    UniqueFd root_fd(fd);

    std::unique_ptr<struct archive, ArchiveFree> a(archive_read_new());
    if (!a) fail(BERTH_E_INTERNAL, "archive_read_new failed");
    // Layer tars are tar (OCI: plain, gzip or zstd). Only tar formats are
    // parsed: an image layer has no business being a zip or an ISO, and each
    // extra format parser is attack surface. Only built-in decompressors:
    // archive_read_support_filter_all() could fork external programs
    // (lrzip, lzop, grzip) from inside the daemon.
    archive_read_support_format_tar(a.get());
    archive_read_support_format_empty(a.get());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_zstd(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_lzma(a.get());

    Source source{in_fd};
    if (archive_read_open(a.get(), &source, nullptr, read_source, nullptr) != ARCHIVE_OK)
        archive_fail(a.get(), source, "layer tar");

    ApplyState state;
    state.root_fd = root_fd.get();
    state.options = options;
    state.chown = options.preserve_ownership && ::geteuid() == 0;
    if (state.chown && !options.id_map.identity()) {
        state.own_implied = true;
        state.implied_owner = Owner{options.id_map.uid, options.id_map.gid};
    }
    Extractor extractor(state, a.get(), source);
    for (;;) {
        struct archive_entry *entry = nullptr;
        int r = archive_read_next_header(a.get(), &entry);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) archive_fail(a.get(), source, "layer tar");
        ++state.result.entries;
        if (options.max_entries != 0 && state.result.entries > options.max_entries)
            fail(BERTH_E_INVAL, "layer tar has more than max_entries = " + std::to_string(options.max_entries) +
                                    " entries");
        extractor.entry(entry);
    }
    finish_directories(state);
    return state.result;
}

} // namespace berth::layertar
