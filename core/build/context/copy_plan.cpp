// copy_plan.cpp — COPY/ADD as one walk over the resolved sources that feeds
// the checksum always and the tar when there is a destination to plan
// for. Below a named source nothing is followed: entries are opened
// O_NOFOLLOW beneath their directory's fd and symlinks copied as symlinks.
#include "build/context/copy_plan.h"

#include "build/context/copy_dest.h"
#include "build/context/copy_sources.h"
#include "build/context/copy_tar.h"
#include "build/context/path_clean.h"
#include "build/context/tree_remove.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <system_error>

namespace berth::build {
namespace {

[[noreturn]] void fail_errno(const std::string &what) { throw std::system_error(errno, std::generic_category(), what); }

std::string join(const std::string &dir, const std::string &name) { return dir.empty() ? name : dir + "/" + name; }

class CopyWalk {
public:
    CopyWalk(const CopyRequest &request, CopyChecksum &sum, CopyTarOut *tar, int dest_root_fd)
        : req_(request), sum_(sum), tar_(tar), dest_root_fd_(dest_root_fd), now_(::time(nullptr)) {
        if (request.chown) std::tie(uid_, gid_) = *request.chown;
    }

    void copy(CopySource &s, const CopyDest &dest, bool dest_is_dir) {
        if (s.archive) return unpack(s, dest.rel());
        if (S_ISDIR(s.st.st_mode)) return copy_dir(s.fd.get(), s.st, s.path, dest.rel());
        const std::string target = dest_is_dir ? join(dest.rel(), s.base) : dest.rel();
        make_parents(target);
        copy_leaf(s.fd.get(), s.st, s.path, target, {});
    }

private:
    mode_t perm(const struct stat &st) const {
        if (req_.chmod && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) return *req_.chmod & 07777;
        return st.st_mode & 07777;
    }

    // Missing ancestors of rel (not rel itself): 0755 root-owned entries,
    // left out of the checksum (they depend on the destination).
    void make_parents(const std::string &rel) {
        if (!tar_) return;
        std::vector<std::string> chain;
        for (std::string p = parent_of(rel); !p.empty(); p = parent_of(p)) chain.push_back(p);
        std::reverse(chain.begin(), chain.end());
        for (const auto &p : chain) {
            if (!missing(p)) continue;
            tar_->header(p, S_IFDIR, 0755, 0, 0, now_, 0);
            made_.insert(p);
        }
    }

    bool missing(const std::string &rel) const {
        return !rel.empty() && !made_.count(rel) && !exists_in_root(dest_root_fd_, rel);
    }

    // A directory source: its contents go into target. target itself is
    // written only when the image lacks it, as Docker leaves an existing
    // destination directory as it is.
    void copy_dir(int dir_fd, const struct stat &st, const std::string &key, const std::string &target) {
        sum_.entry(key, 'd', perm(st), uid_, gid_, {}, 0);
        if (tar_) {
            make_parents(target);
            if (missing(target)) {
                tar_->header(target, S_IFDIR, perm(st), uid_, gid_, st.st_mtim.tv_sec, 0);
                made_.insert(target);
            }
        }
        children(dir_fd, key, target);
    }

    void children(int dir_fd, const std::string &key, const std::string &target) {
        for (const auto &name : list_dir(dir_fd)) {
            const std::string child_key = key == "." ? name : key + "/" + name;
            const std::string child = join(target, name);
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat " + child_key);
            if (S_ISSOCK(st.st_mode)) continue; // a tar cannot hold one
            if (S_ISDIR(st.st_mode)) {
                images::UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (!sub) fail_errno("open " + child_key);
                sum_.entry(child_key, 'd', perm(st), uid_, gid_, {}, 0);
                if (tar_) tar_->header(child, S_IFDIR, perm(st), uid_, gid_, st.st_mtim.tv_sec, 0);
                children(sub.get(), child_key, child);
            } else if (S_ISLNK(st.st_mode)) {
                std::string link(static_cast<size_t>(std::max<off_t>(st.st_size, 4095)) + 1, '\0');
                const ssize_t n = ::readlinkat(dir_fd, name.c_str(), link.data(), link.size());
                if (n < 0) fail_errno("readlink " + child_key);
                link.resize(static_cast<size_t>(n));
                copy_leaf(-1, st, child_key, child, link);
            } else if (S_ISREG(st.st_mode)) {
                images::UniqueFd fd(
                    ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
                if (!fd) fail_errno("open " + child_key);
                copy_leaf(fd.get(), st, child_key, child, {});
            } else {
                copy_leaf(-1, st, child_key, child, {});
            }
        }
    }

    // A file, symlink, fifo or device. fd: the open regular file.
    void copy_leaf(int fd, const struct stat &st, const std::string &key, const std::string &target,
                   const std::string &link_target) {
        const mode_t type = st.st_mode & S_IFMT;
        const char kind = type == S_IFREG ? 'f' : type == S_IFLNK ? 'l' : type == S_IFIFO ? 'p' : type == S_IFCHR ? 'c'
                                                                                                             : 'b';
        const unsigned long long size = type == S_IFREG ? static_cast<unsigned long long>(st.st_size) : 0;
        const mode_t mode = type == S_IFLNK ? 0777 : perm(st);
        sum_.entry(key, kind, mode, uid_, gid_, link_target, size);
        if (type == S_IFCHR || type == S_IFBLK) {
            const std::string dev = std::to_string(st.st_rdev);
            sum_.content(dev.data(), dev.size());
        }
        if (tar_) tar_->header(target, type, mode, uid_, gid_, st.st_mtim.tv_sec, size, link_target, st.st_rdev);
        if (type == S_IFREG) stream(fd, size, key, tar_ != nullptr);
    }

    // Exactly size bytes of fd into the checksum (and the tar): a file that
    // shrank meanwhile is padded with zeros so the tar stays well formed.
    void stream(int fd, unsigned long long size, const std::string &what, bool to_tar) {
        char buf[1 << 16];
        unsigned long long left = size;
        while (left > 0) {
            const size_t want = static_cast<size_t>(std::min<unsigned long long>(left, sizeof buf));
            ssize_t n = ::read(fd, buf, want);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail_errno("read " + what);
            if (n == 0) {
                std::memset(buf, 0, want);
                n = static_cast<ssize_t>(want);
            }
            sum_.content(buf, static_cast<size_t>(n));
            if (to_tar) tar_->data(buf, static_cast<size_t>(n));
            left -= static_cast<unsigned long long>(n);
        }
    }

    // ADD of a local tar: the archive's bytes make the checksum; its
    // entries go under target with their own owners and modes.
    void unpack(CopySource &s, const std::string &target) {
        sum_.entry(s.path, 'a', perm(s.st), uid_, gid_, {}, static_cast<unsigned long long>(s.st.st_size));
        if (::lseek(s.fd.get(), 0, SEEK_SET) != 0) fail_errno("rewind " + s.path);
        stream(s.fd.get(), static_cast<unsigned long long>(s.st.st_size), s.path, false);
        if (!tar_) return;
        make_parents(target);
        if (missing(target)) {
            tar_->header(target, S_IFDIR, 0755, 0, 0, now_, 0);
            made_.insert(target);
        }
        if (::lseek(s.fd.get(), 0, SEEK_SET) != 0) fail_errno("rewind " + s.path);
        TarReader a = new_add_archive_reader();
        if (archive_read_open_fd(a.get(), s.fd.get(), 1 << 16) != ARCHIVE_OK) bad_archive(s, a.get());
        for (;;) {
            archive_entry *e = nullptr;
            const int rc = archive_read_next_header(a.get(), &e);
            if (rc == ARCHIVE_EOF) break;
            if (rc < ARCHIVE_WARN) bad_archive(s, a.get());
            const std::string name = rebase(s, archive_entry_pathname(e), target);
            if (name.empty()) continue; // "./": the destination directory itself
            std::unique_ptr<archive_entry, void (*)(archive_entry *)> out(archive_entry_clone(e), archive_entry_free);
            archive_entry_set_pathname(out.get(), name.c_str());
            if (const char *link = archive_entry_hardlink(e))
                archive_entry_set_hardlink(out.get(), rebase(s, link, target).c_str());
            tar_->header(out.get());
            char buf[1 << 16];
            for (;;) {
                const la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
                if (n < 0) bad_archive(s, a.get());
                if (n == 0) break;
                tar_->data(buf, static_cast<size_t>(n));
            }
        }
    }

    // An archive entry's name under target; "" for the archive's own root.
    std::string rebase(const CopySource &s, const char *raw, const std::string &target) const {
        const std::string name = raw ? raw : "";
        if (!name.empty() && name.front() == '/')
            throw CopyError(failed_prefix(req_) + "archive " + s.path + ": entry \"" + name + "\" is absolute");
        for (const auto &e : split_path(name))
            if (e == "..")
                throw CopyError(failed_prefix(req_) + "archive " + s.path + ": entry \"" + name +
                                "\" leaves the destination (\"..\")");
        const std::string clean = clean_path(name);
        if (clean == ".") return {};
        const bool dir = name.back() == '/';
        return join(target, clean) + (dir ? "/" : "");
    }

    [[noreturn]] void bad_archive(const CopySource &s, struct archive *a) const {
        const char *msg = archive_error_string(a);
        throw CopyError(failed_prefix(req_) + "archive " + s.path + ": " + (msg ? msg : "unreadable"));
    }

    const CopyRequest &req_;
    CopyChecksum &sum_;
    CopyTarOut *tar_;
    int dest_root_fd_;
    time_t now_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    std::set<std::string> made_; // directories this tar creates
};

std::vector<CopySource> checked_sources(int source_root_fd, const CopyRequest &request) {
    std::vector<CopySource> sources = resolve_sources(source_root_fd, request);
    const bool slash = !request.dest.empty() && request.dest.back() == '/';
    if (sources.size() > 1 && !slash)
        throw CopyError("When using " + request.instruction +
                        " with more than one source file, the destination must be a directory and end with a /");
    return sources;
}

std::string prefixed(const std::vector<CopySource> &sources, const std::string &hex) {
    if (sources.size() != 1) return "multi:" + hex;
    return (S_ISDIR(sources.front().st.st_mode) ? "dir:" : "file:") + hex;
}

images::UniqueFd temp_file(const std::string &dir) {
    images::UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd) return fd;
    std::string tmpl = dir + "/copy-XXXXXX"; // file systems without O_TMPFILE
    fd.reset(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd) fail_errno("create a temporary file in " + dir);
    ::unlink(tmpl.c_str());
    return fd;
}

} // namespace

CopyPlan plan_copy(int source_root_fd, int dest_root_fd, const CopyRequest &request, const std::string &scratch_dir) {
    std::vector<CopySource> sources = checked_sources(source_root_fd, request);
    const CopyDest dest = normalize_dest(request.dest, request.workdir);
    const bool dest_is_dir = dest.ends_in_slash || sources.size() > 1 || is_dir_in_root(dest_root_fd, dest.rel());
    CopyPlan plan;
    plan.tar = temp_file(scratch_dir);
    CopyChecksum sum;
    {
        CopyTarOut tar(plan.tar.get());
        CopyWalk walk(request, sum, &tar, dest_root_fd);
        for (auto &s : sources) walk.copy(s, dest, dest_is_dir);
        tar.finish();
    }
    if (::lseek(plan.tar.get(), 0, SEEK_SET) != 0) fail_errno("rewind the copy tar");
    plan.checksum = prefixed(sources, sum.hex());
    return plan;
}

std::string copy_checksum(int source_root_fd, const CopyRequest &request) {
    std::vector<CopySource> sources = checked_sources(source_root_fd, request);
    CopyChecksum sum;
    CopyWalk walk(request, sum, nullptr, -1);
    const CopyDest dest = normalize_dest(request.dest, request.workdir);
    for (auto &s : sources) walk.copy(s, dest, true);
    return prefixed(sources, sum.hex());
}

} // namespace berth::build
