// init_layer.cpp — the init layer's entries as a tar decided against a
// read-only view of the image (init_layer_tar), for the driver's apply_diff.
#include "containers/service/init_layer.h"

#include "containers/archive/rootfs_path.h"

#include <archive.h>
#include <archive_entry.h>
#include <linux/openat2.h>

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace berth::containers {
namespace {

using archive::UniqueFd;

// What the image has at a path, every element taken as it is (no symlink
// followed): the tar must never put anything below an image symlink.
enum class Found { missing, dir, file, other };

struct Lookup {
    Found found = Found::missing;
    struct stat st {};
};

Lookup look_up(int root, const std::string &rel) {
    Lookup out;
    if (root < 0) return out;
    open_how how{};
    how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int fd = static_cast<int>(::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how));
    if (fd < 0) {
        // ELOOP: a symlink on the way or at the end; ENOTDIR: a file on the
        // way. Either is the image's and stays.
        if (errno == ENOENT) return out;
        if (errno == ELOOP || errno == ENOTDIR) {
            out.found = Found::other;
            return out;
        }
        throw std::system_error(errno, std::generic_category(), "look up " + rel + " in the image");
    }
    const int rc = ::fstat(fd, &out.st);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw std::system_error(err, std::generic_category(), "stat " + rel + " in the image");
    out.found = S_ISDIR(out.st.st_mode) ? Found::dir : S_ISREG(out.st.st_mode) ? Found::file : Found::other;
    return out;
}

// Entries added in order; a directory is written once, before its first child.
class InitTar {
public:
    InitTar(int root, const config::IdMap &ids) : root_(root), ids_(ids), a_(archive_write_new(), archive_write_free) {
        if (!a_) throw std::runtime_error("init layer tar: out of memory");
        archive_write_set_format_pax_restricted(a_.get());
        archive_write_set_bytes_in_last_block(a_.get(), 1);
        if (archive_write_open2(a_.get(), &out_, nullptr, &InitTar::append, nullptr, nullptr) != ARCHIVE_OK)
            fail("open");
    }

    // A directory and its parents where the image lacks them; false when
    // the image has something else there (nothing may go below it).
    bool dir(const std::string &rel) {
        for (const auto &d : written_dirs_)
            if (d == rel) return true;
        if (const auto slash = rel.rfind('/'); slash != std::string::npos && !dir(rel.substr(0, slash))) return false;
        const Lookup l = look_up(root_, rel);
        if (l.found == Found::other || l.found == Found::file) return false;
        written_dirs_.push_back(rel);
        if (l.found == Found::dir) pending_.push_back({rel, l.st}); // written only if a child needs it
        else add(rel, AE_IFDIR, 0755, nullptr, {});
        return true;
    }

    // An empty file (content nullptr) where the image has nothing; with
    // content, also over the image's own regular file, keeping its mode and owner.
    void file(const std::string &dir_rel, const std::string &name, const std::string *content) {
        const std::string rel = dir_rel.empty() ? name : dir_rel + "/" + name;
        if (!dir_rel.empty() && !dir(dir_rel)) return;
        const Lookup l = look_up(root_, rel);
        if (l.found == Found::missing) add(rel, AE_IFREG, 0755, nullptr, content ? *content : std::string());
        else if (l.found == Found::file && content) add(rel, AE_IFREG, l.st.st_mode & 07777, &l.st, *content);
    }

    void symlink(const std::string &dir_rel, const std::string &name, const char *target) {
        const std::string rel = dir_rel + "/" + name;
        if (!dir(dir_rel) || look_up(root_, rel).found != Found::missing) return;
        add(rel, AE_IFLNK, 0777, nullptr, {}, target);
    }

    std::string finish() {
        if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("close");
        return std::move(out_);
    }

private:
    struct Pending {
        std::string rel;
        struct stat st;
    };

    static la_ssize_t append(struct archive *, void *out, const void *buf, size_t len) {
        static_cast<std::string *>(out)->append(static_cast<const char *>(buf), len);
        return static_cast<la_ssize_t>(len);
    }

    [[noreturn]] void fail(const char *what) {
        const char *msg = archive_error_string(a_.get());
        throw std::runtime_error(std::string("init layer tar ") + what + ": " + (msg ? msg : "failed"));
    }

    // The image's directories on rel's way, in order, before rel itself.
    void flush_parents(const std::string &rel) {
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (rel.rfind(it->rel + "/", 0) == 0) {
                const Pending p = *it;
                it = pending_.erase(it);
                flush_parents(p.rel);
                add_entry(p.rel, AE_IFDIR, p.st.st_mode & 07777, &p.st, {}, nullptr);
                it = pending_.begin();
            } else {
                ++it;
            }
        }
    }

    void add(const std::string &rel, unsigned type, unsigned mode, const struct stat *image, const std::string &content,
             const char *link = nullptr) {
        flush_parents(rel);
        add_entry(rel, type, mode, image, content, link);
    }

    // image: the image's entry whose owner it keeps; else the container's root.
    void add_entry(const std::string &rel, unsigned type, unsigned mode, const struct stat *image,
                   const std::string &content, const char *link) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), (type == AE_IFDIR ? rel + "/" : rel).c_str());
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), mode);
        archive_entry_set_uid(e.get(), image ? ids_.container_uid(image->st_uid) : 0);
        archive_entry_set_gid(e.get(), image ? ids_.container_gid(image->st_gid) : 0);
        // A directory keeps the image's time (copy-up does); a file is new or rewritten now.
        const bool image_time = image && type == AE_IFDIR;
        archive_entry_set_mtime(e.get(), image_time ? image->st_mtim.tv_sec : std::time(nullptr),
                                image_time ? image->st_mtim.tv_nsec : 0);
        if (link) archive_entry_set_symlink(e.get(), link);
        archive_entry_set_size(e.get(), type == AE_IFREG ? static_cast<la_int64_t>(content.size()) : 0);
        if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail("header");
        if (type == AE_IFREG && !content.empty() &&
            archive_write_data(a_.get(), content.data(), content.size()) != static_cast<la_ssize_t>(content.size()))
            fail("data");
    }

    int root_;
    const config::IdMap &ids_;
    std::string out_;
    std::unique_ptr<struct archive, decltype(&archive_write_free)> a_;
    std::vector<std::string> written_dirs_;
    std::vector<Pending> pending_;
};

} // namespace

std::string init_layer_tar(const std::string &image_root, const InitLayerFiles &files, const config::IdMap &ids) {
    UniqueFd root;
    if (!image_root.empty()) root = archive::open_root(image_root);
    InitTar tar(image_root.empty() ? -1 : root.get(), ids);
    // dockerd's init layer entries, in its order.
    for (const char *d : {"dev/pts", "dev/shm", "proc", "sys"}) tar.dir(d);
    tar.file("", ".dockerenv", nullptr);
    const auto content = [](const std::optional<std::string> &text) { return text ? &*text : nullptr; };
    tar.file("etc", "resolv.conf", content(files.resolv_conf));
    tar.file("etc", "hosts", content(files.hosts));
    tar.file("etc", "hostname", content(files.hostname));
    tar.file("dev", "console", nullptr);
    tar.symlink("etc", "mtab", "/proc/mounts");
    return tar.finish();
}

} // namespace berth::containers
