#include "containers/archive/tree_tar.h"

#include "images/unique_fd.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace berth::containers::archive {
namespace {

using images::UniqueFd;

[[noreturn]] void fail_errno(const std::string &what) { throw std::system_error(errno, std::generic_category(), what); }

std::vector<std::string> sorted_children(int dir_fd) {
    const int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) fail_errno("dup");
    DIR *d = ::fdopendir(dup_fd);
    if (d == nullptr) {
        ::close(dup_fd);
        fail_errno("opendir");
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) throw std::system_error(err, std::generic_category(), "readdir");
    std::sort(names.begin(), names.end());
    return names;
}

class TreeTarWriter {
public:
    TreeTarWriter(const TarSink &sink, const config::IdMap &ids, const FileSubstitutes &substitutes)
        : sink_(sink), ids_(ids), substitutes_(substitutes), a_(archive_write_new(), archive_write_free) {
        if (!a_) throw std::runtime_error("tar: out of memory");
        archive_write_set_format_pax_restricted(a_.get());
        archive_write_set_bytes_in_last_block(a_.get(), 1); // no padding beyond the tar's own blocks
        if (archive_write_open2(a_.get(), this, nullptr, &TreeTarWriter::on_write, nullptr, nullptr) != ARCHIVE_OK)
            check(ARCHIVE_FATAL, "open");
    }

    // The object `name` in parent_fd, named archive_name unless the top is
    // left out; then its children under child_prefix.
    void add_top(int parent_fd, const std::string &name, const TreeTarNaming &naming) {
        struct stat st {};
        const int rc =
            name.empty() ? ::fstat(parent_fd, &st) : ::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
        if (rc != 0) fail_errno("stat " + name);
        if (naming.top) add_entry(parent_fd, name, st, *naming.top);
        if (S_ISDIR(st.st_mode)) {
            UniqueFd dir = open_dir(parent_fd, name);
            add_children(dir.get(), naming.child_prefix);
        }
    }

    // A writer abandoned by an exception must not end the tar: freeing it
    // would write the end-of-archive blocks, and a truncated tar would look
    // complete to the client.
    ~TreeTarWriter() {
        discard_ = !closed_;
        a_.reset();
    }

    void finish() {
        check(archive_write_close(a_.get()), "close");
        closed_ = true;
    }

private:
    static la_ssize_t on_write(struct archive *, void *self_ptr, const void *buf, size_t len) {
        auto *self = static_cast<TreeTarWriter *>(self_ptr);
        if (self->discard_) return static_cast<la_ssize_t>(len);
        try {
            self->sink_(static_cast<const char *>(buf), len);
            return static_cast<la_ssize_t>(len);
        } catch (...) {
            self->sink_error_ = std::current_exception();
            return -1;
        }
    }

    void check(int rc, const std::string &what) {
        if (rc >= ARCHIVE_WARN) return;
        if (sink_error_) std::rethrow_exception(sink_error_);
        const char *msg = archive_error_string(a_.get());
        throw std::runtime_error("tar " + what + ": " + (msg ? msg : "failed"));
    }

    static UniqueFd open_dir(int parent_fd, const std::string &name) {
        UniqueFd fd(name.empty() ? ::openat(parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                 : ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) fail_errno("open directory " + name);
        return fd;
    }

    void add_children(int dir_fd, const std::string &prefix) {
        for (const auto &child : sorted_children(dir_fd)) {
            struct stat st {};
            if (::fstatat(dir_fd, child.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT) continue; // removed while we walked
                fail_errno("stat " + prefix + child);
            }
            add_entry(dir_fd, child, st, prefix + child);
            if (S_ISDIR(st.st_mode)) {
                UniqueFd sub = open_dir(dir_fd, child);
                add_children(sub.get(), prefix + child + "/");
            }
        }
    }

    void add_entry(int parent_fd, const std::string &name, const struct stat &tree_st, std::string archive_name) {
        if (S_ISSOCK(tree_st.st_mode)) return; // tar cannot hold one; moby logs and skips it
        UniqueFd substitute;
        struct stat sub_st {};
        if (S_ISREG(tree_st.st_mode)) substitute = open_substitute(tree_st, sub_st);
        const struct stat &st = substitute ? sub_st : tree_st;
        if (S_ISDIR(st.st_mode) && (archive_name.empty() || archive_name.back() != '/')) archive_name += '/';
        std::unique_ptr<archive_entry, void (*)(archive_entry *)> e(archive_entry_new(), archive_entry_free);
        archive_entry_copy_pathname(e.get(), archive_name.c_str());
        archive_entry_set_mode(e.get(), st.st_mode);
        archive_entry_set_uid(e.get(), ids_.container_uid(st.st_uid));
        archive_entry_set_gid(e.get(), ids_.container_gid(st.st_gid));
        archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            archive_entry_set_rdevmajor(e.get(), major(st.st_rdev));
            archive_entry_set_rdevminor(e.get(), minor(st.st_rdev));
        }
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            const ssize_t n = ::readlinkat(parent_fd, name.c_str(), target, sizeof target - 1);
            if (n < 0) fail_errno("readlink " + archive_name);
            target[n] = '\0';
            archive_entry_copy_symlink(e.get(), target);
        }
        if (!substitute && !S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            const auto key = std::make_pair(st.st_dev, st.st_ino);
            if (const auto it = seen_.find(key); it != seen_.end()) {
                archive_entry_copy_hardlink(e.get(), it->second.c_str());
                archive_entry_set_size(e.get(), 0);
                check(archive_write_header(a_.get(), e.get()), "header " + archive_name);
                return;
            }
            seen_.emplace(key, archive_name);
        }
        if (!S_ISREG(st.st_mode)) {
            check(archive_write_header(a_.get(), e.get()), "header " + archive_name);
            return;
        }
        UniqueFd fd = substitute ? std::move(substitute)
                                 : UniqueFd(::openat(parent_fd, name.empty() ? "." : name.c_str(),
                                                     O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) fail_errno("open " + archive_name);
        archive_entry_set_size(e.get(), st.st_size);
        add_capability_xattr(fd.get(), e.get());
        check(archive_write_header(a_.get(), e.get()), "header " + archive_name);
        copy_content(fd.get(), st.st_size, archive_name);
    }

    // The substitute of a tree file (FileSubstitutes), opened, with its
    // stat in st; an empty fd for a file that has none (or whose substitute
    // is no regular file any more).
    UniqueFd open_substitute(const struct stat &tree_st, struct stat &st) const {
        const auto it = substitutes_.find({tree_st.st_dev, tree_st.st_ino});
        if (it == substitutes_.end()) return {};
        UniqueFd fd(::open(it->second.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) fail_errno("open " + it->second);
        if (::fstat(fd.get(), &st) != 0) fail_errno("stat " + it->second);
        if (!S_ISREG(st.st_mode)) return {};
        return fd;
    }

    // moby keeps only security.capability (file capabilities of binaries).
    static void add_capability_xattr(int fd, archive_entry *e) {
        char value[256];
        const ssize_t n = ::fgetxattr(fd, "security.capability", value, sizeof value);
        if (n > 0) archive_entry_xattr_add_entry(e, "security.capability", value, static_cast<size_t>(n));
    }

    void copy_content(int fd, int64_t size, const std::string &archive_name) {
        std::vector<char> buf(1 << 16);
        int64_t left = size;
        while (left > 0) {
            const ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<int64_t>(left, buf.size())));
            if (n < 0) {
                if (errno == EINTR) continue;
                fail_errno("read " + archive_name);
            }
            if (n == 0) break; // shrank since the stat: libarchive pads the entry to its size
            const la_ssize_t w = archive_write_data(a_.get(), buf.data(), static_cast<size_t>(n));
            if (w < 0) check(ARCHIVE_FATAL, "data " + archive_name);
            left -= n;
        }
        check(archive_write_finish_entry(a_.get()), "entry " + archive_name);
    }

    const TarSink &sink_;
    const config::IdMap &ids_;
    const FileSubstitutes &substitutes_;
    std::unique_ptr<struct archive, int (*)(struct archive *)> a_;
    std::exception_ptr sink_error_;
    bool closed_ = false;
    bool discard_ = false;
    std::map<std::pair<dev_t, ino_t>, std::string> seen_;
};

} // namespace

void write_tree_tar(int parent_fd, const std::string &name, const TreeTarNaming &naming, const TarSink &sink,
                    const config::IdMap &ids, const FileSubstitutes &substitutes) {
    TreeTarWriter writer(sink, ids, substitutes);
    writer.add_top(parent_fd, name, naming);
    writer.finish();
}

TreeTarNaming rebase_naming(const std::string &base) {
    if (base == ".") return {std::string("."), ""};
    if (base == "/") return {std::string("/"), "/"};
    return {base, base + "/"};
}

} // namespace berth::containers::archive
