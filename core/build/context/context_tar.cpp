// context_tar.cpp — the client side of a build context: a walk of the
// directory through directory fds (each level opened O_NOFOLLOW beneath
// the one before, so nothing is ever followed), written as a tar the way
// the docker CLI writes it. Depends on libarchive only: the CLI links this
// without berthd's code.
#include "build/context/context_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace berth::build {
namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

[[noreturn]] void context_error(const std::string &what, const std::filesystem::path &path, int err) {
    throw std::runtime_error("error checking context: " + what + " '" + path.string() + "': " + std::strerror(err));
}

std::vector<std::string> sorted_names(int dir_fd, const std::filesystem::path &shown) {
    const int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) context_error("can't read", shown, errno);
    DIR *d = ::fdopendir(dup_fd);
    if (d == nullptr) {
        const int err = errno;
        ::close(dup_fd);
        context_error("can't read", shown, err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) context_error("can't read", shown, err);
    std::sort(names.begin(), names.end());
    return names;
}

class ContextWriter {
public:
    ContextWriter(const std::filesystem::path &dir, const ContextTarOptions &options, int out_fd)
        : dir_(dir), options_(options), ignore_(options.ignore.with_exceptions(options.always_include)),
          out_fd_(out_fd), a_(archive_write_new(), archive_write_free) {
        if (!a_) throw std::runtime_error("tar: out of memory");
        archive_write_set_format_pax_restricted(a_.get());
        archive_write_set_bytes_in_last_block(a_.get(), 1);
        if (archive_write_open2(a_.get(), this, nullptr, &ContextWriter::on_write, nullptr, nullptr) != ARCHIVE_OK)
            fail_archive("open");
    }

    ContextTarStats run() {
        Fd root(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (root.get() < 0) context_error("can't stat", dir_, errno);
        walk(root.get(), "");
        if (!options_.extra_name.empty()) add_extra();
        if (archive_write_close(a_.get()) != ARCHIVE_OK) fail_archive("close");
        closed_ = true;
        return stats_;
    }

    // A walk that failed must not end the tar: a truncated context with an
    // end-of-archive marker would look complete to the daemon.
    ~ContextWriter() {
        // archive_write_fail would leak libarchive's write buffer (only a
        // close frees it), so close with the output discarded instead.
        if (!closed_) {
            discard_ = true;
            archive_write_close(a_.get());
        }
    }
    ContextWriter(const ContextWriter &) = delete;
    ContextWriter &operator=(const ContextWriter &) = delete;

private:
    void walk(int dir_fd, const std::string &prefix) {
        for (const auto &name : sorted_names(dir_fd, dir_ / prefix)) {
            const std::string rel = prefix + name;
            if (rel == options_.extra_name) continue; // replaced by the extra file
            // With an injected Dockerfile, .dockerignore is rewritten (add_extra).
            if (!options_.extra_name.empty() && rel == ".dockerignore") continue;
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                context_error("can't stat", dir_ / rel, errno);
            if (S_ISSOCK(st.st_mode)) continue; // a tar cannot hold one; docker skips them too
            const bool excluded = ignore_.excluded(rel);
            if (excluded && !(S_ISDIR(st.st_mode) && ignore_.may_include_below(rel))) continue;
            if (S_ISDIR(st.st_mode)) {
                // An excluded directory an exception reaches into is walked
                // but not sent itself, as the docker CLI does.
                Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.get() < 0) context_error("can't open", dir_ / rel, errno);
                if (!excluded) add_header(rel + "/", st, nullptr);
                walk(sub.get(), rel + "/");
            } else if (S_ISREG(st.st_mode)) {
                add_file(dir_fd, name, rel, st);
            } else if (!excluded) {
                std::string target;
                if (S_ISLNK(st.st_mode)) target = read_link(dir_fd, name, rel, st);
                add_header(rel, st, target.empty() ? nullptr : target.c_str());
            }
        }
    }

    std::string read_link(int dir_fd, const std::string &name, const std::string &rel, const struct stat &st) {
        std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
        const ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
        if (n < 0) context_error("can't read link", dir_ / rel, errno);
        target.resize(static_cast<size_t>(n));
        return target;
    }

    void add_file(int dir_fd, const std::string &name, const std::string &rel, const struct stat &st) {
        Fd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
        if (fd.get() < 0) {
            if (errno == EACCES) context_error("no permission to read from", dir_ / rel, errno);
            context_error("can't open", dir_ / rel, errno);
        }
        struct stat now {};
        if (::fstat(fd.get(), &now) != 0) context_error("can't stat", dir_ / rel, errno);
        // Swapped for something else between the listing and the open.
        if (!S_ISREG(now.st_mode) || now.st_ino != st.st_ino || now.st_dev != st.st_dev)
            context_error("changed while read:", dir_ / rel, EAGAIN);
        add_header(rel, now, nullptr);
        // Write exactly the size the header announced, even if the file
        // grows or shrinks meanwhile, so the tar stays well formed.
        char buf[1 << 16];
        off_t left = now.st_size;
        while (left > 0) {
            const ssize_t n = ::read(fd.get(), buf, static_cast<size_t>(std::min<off_t>(left, sizeof buf)));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) context_error("can't read", dir_ / rel, errno);
            if (n == 0) {
                std::memset(buf, 0, sizeof buf);
                write_data(buf, static_cast<size_t>(std::min<off_t>(left, sizeof buf)));
                left -= std::min<off_t>(left, sizeof buf);
                continue;
            }
            write_data(buf, static_cast<size_t>(n));
            left -= n;
        }
    }

    void add_header(const std::string &name, const struct stat &st, const char *link_target) {
        std::unique_ptr<archive_entry, void (*)(archive_entry *)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_copy_stat(e.get(), &st);
        // The docker CLI writes owners as 0:0 without names, whole-second
        // mtimes and no access or change times.
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        archive_entry_set_uname(e.get(), "");
        archive_entry_set_gname(e.get(), "");
        archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
        archive_entry_unset_atime(e.get());
        archive_entry_unset_ctime(e.get());
        archive_entry_unset_birthtime(e.get());
        archive_entry_set_nlink(e.get(), 1);
        archive_entry_set_ino(e.get(), 0);
        archive_entry_set_dev(e.get(), 0);
        if (!S_ISREG(st.st_mode)) archive_entry_set_size(e.get(), 0);
        if (link_target) archive_entry_set_symlink(e.get(), link_target);
        if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail_archive("header of " + name);
        ++stats_.entries;
    }

    // The injected Dockerfile, and .dockerignore naming it and itself, as
    // the docker CLI's AddDockerfileToBuildContext does: the daemon then
    // drops both from the context after reading them, so `COPY . /x` does
    // not pick up a file the user never had in the context.
    void add_extra() {
        std::string ignore;
        if (Fd fd(::open((dir_ / ".dockerignore").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)); fd.get() >= 0) {
            char buf[1 << 14];
            ssize_t n;
            while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) ignore.append(buf, static_cast<size_t>(n));
        }
        if (!ignore.empty() && ignore.back() != '\n') ignore += '\n';
        ignore += ".dockerignore\n" + options_.extra_name + "\n";
        add_generated(".dockerignore", ignore);
        add_generated(options_.extra_name, options_.extra_content);
    }

    void add_generated(const std::string &name, const std::string &content) {
        struct stat st {};
        st.st_mode = S_IFREG | 0600;
        st.st_size = static_cast<off_t>(content.size());
        st.st_mtim.tv_sec = ::time(nullptr);
        add_header(name, st, nullptr);
        write_data(content.data(), content.size());
    }

    void write_data(const void *data, size_t len) {
        if (len && archive_write_data(a_.get(), data, len) < 0) fail_archive("write");
    }

    [[noreturn]] void fail_archive(const std::string &what) {
        if (error_) std::rethrow_exception(error_);
        const char *msg = archive_error_string(a_.get());
        throw std::runtime_error("tar " + what + ": " + (msg ? msg : "failed"));
    }

    static la_ssize_t on_write(struct archive *, void *self_ptr, const void *buf, size_t len) {
        auto *self = static_cast<ContextWriter *>(self_ptr);
        if (self->discard_) return static_cast<la_ssize_t>(len);
        const char *p = static_cast<const char *>(buf);
        size_t left = len;
        while (left > 0) {
            const ssize_t n = ::write(self->out_fd_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                self->error_ = std::make_exception_ptr(
                    std::system_error(errno, std::generic_category(), "write build context"));
                return -1;
            }
            p += n, left -= static_cast<size_t>(n);
        }
        self->stats_.bytes += len;
        return static_cast<la_ssize_t>(len);
    }

    std::filesystem::path dir_;
    const ContextTarOptions &options_;
    IgnoreMatcher ignore_;
    int out_fd_;
    std::unique_ptr<struct archive, int (*)(struct archive *)> a_;
    ContextTarStats stats_;
    std::exception_ptr error_;
    bool closed_ = false;
    bool discard_ = false; // abandoned: nothing more reaches out_fd
};

} // namespace

ContextTarStats write_context_tar(const std::filesystem::path &dir, const ContextTarOptions &options, int out_fd) {
    return ContextWriter(dir, options, out_fd).run();
}

} // namespace berth::build
