// tar_writer.cpp — write_tar() and content_size(): a PAX layer tar from a
// change list, with libarchive doing the format.
//
// Entries are built from our own fd-based stat/readlink/xattr reads rather
// than archive_read_disk, which works by path and would follow a symlink a
// container planted in a parent directory.
#include "tar_plan.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_set>

namespace berth::layertar::detail {
namespace {

constexpr size_t io_block = 1 << 20;

// write() that cannot kill the process with SIGPIPE when the reader went
// away (a client hanging up on a streamed diff): the signal is blocked for
// the call and, if the write raised it, consumed. The caller sees EPIPE.
ssize_t write_no_sigpipe(int fd, const void *buffer, size_t length) {
    sigset_t pipe_set, old_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    ssize_t n = ::write(fd, buffer, length);
    int err = errno;
    if (n < 0 && err == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
    errno = err;
    return n;
}

struct Output {
    int fd;
    int write_errno = 0;
    bool failed = false; // nothing more may reach the fd
};

la_ssize_t write_output(struct archive *a, void *ctx, const void *buffer, size_t length) {
    auto *out = static_cast<Output *>(ctx);
    if (out->failed) {
        archive_set_error(a, ECANCELED, "layer tar abandoned");
        return -1;
    }
    const char *p = static_cast<const char *>(buffer);
    size_t done = 0;
    while (done < length) {
        ssize_t n = write_no_sigpipe(out->fd, p + done, length - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            out->write_errno = errno;
            archive_set_error(a, errno, "write: %s", std::strerror(errno));
            return -1;
        }
        done += static_cast<size_t>(n);
    }
    return static_cast<la_ssize_t>(length);
}

// Owns the libarchive writer. One abandoned by an error is closed with its
// output cut off, so neither buffered data nor an end-of-archive marker
// reaches the fd: a truncated tar must not look complete. (Closing, rather
// than archive_write_fail(), also lets libarchive 3.6 free its block
// buffer.)
struct Writer {
    struct archive *a = archive_write_new();
    Output out;
    bool closed = false;
    explicit Writer(int fd) : out{fd} {}
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;
    ~Writer() {
        if (a == nullptr) return;
        if (!closed) {
            out.failed = true;
            archive_write_close(a);
        }
        archive_write_free(a);
    }
};

struct EntryFree {
    void operator()(struct archive_entry *e) const noexcept { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<struct archive_entry, EntryFree>;

struct Region {
    int64_t offset;
    int64_t length;
};

// The data regions of a file (SEEK_DATA/SEEK_HOLE), or nothing when it has
// no holes.
std::vector<Region> sparse_map(int fd, const struct stat &st, const std::string &path) {
    // Fewer blocks than bytes is the only way a file can have holes
    // (inline-data files also show it and then map as one region).
    if (st.st_size == 0 || st.st_blocks * 512 >= st.st_size) return {};
    std::vector<Region> regions;
    int64_t pos = 0;
    while (pos < st.st_size) {
        off_t data = ::lseek(fd, pos, SEEK_DATA);
        if (data < 0) {
            if (errno == ENXIO) break; // only a hole is left
            if (errno == EINVAL || errno == ENOTSUP) return {};
            fail_errno(errno, "seek data in '" + path + "'");
        }
        if (data >= st.st_size) break;
        off_t hole = ::lseek(fd, data, SEEK_HOLE);
        if (hole < 0) fail_errno(errno, "seek hole in '" + path + "'");
        if (hole > st.st_size) hole = st.st_size;
        regions.push_back(Region{data, hole - data});
        pos = hole;
    }
    if (regions.size() == 1 && regions[0].offset == 0 && regions[0].length == st.st_size) return {};
    if (regions.empty()) regions.push_back(Region{st.st_size, 0}); // all hole
    return regions;
}

class TarSink final : public PlanSink {
public:
    TarSink(struct archive *a, const Output &out, const IdMap &id_map)
        : a_(a), out_(out), id_map_(id_map), resolver_(archive_entry_linkresolver_new()), buffer_(new char[io_block]),
          zeros_(new char[io_block]()) {
        if (resolver_ == nullptr) fail(BERTH_E_INTERNAL, "archive_entry_linkresolver_new failed");
        archive_entry_linkresolver_set_strategy(resolver_, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
    }
    ~TarSink() override { archive_entry_linkresolver_free(resolver_); }
    TarSink(const TarSink &) = delete;
    TarSink &operator=(const TarSink &) = delete;

    int64_t bytes() const noexcept { return bytes_; }

    void entry(const std::string &path, int dirfd, const std::string &name, int fd, const struct stat &st) override {
        EntryPtr e(archive_entry_new());
        if (!e) fail(BERTH_E_INTERNAL, "archive_entry_new failed");
        archive_entry_copy_stat(e.get(), &st);
        archive_entry_set_pathname(e.get(), path.c_str());
        // A tar carries the container's ids, whatever the disk holds.
        if (!id_map_.identity()) {
            archive_entry_set_uid(e.get(), container_id(id_map_.uid, id_map_.size, st.st_uid));
            archive_entry_set_gid(e.get(), container_id(id_map_.gid, id_map_.size, st.st_gid));
        }
        // Like docker: whole-second mtimes and no atime/ctime, so the same
        // tree gives the same tar (and the same layer digest).
        archive_entry_unset_atime(e.get());
        archive_entry_unset_ctime(e.get());
        archive_entry_unset_birthtime(e.get());
        archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, 0);
        bool regular = S_ISREG(st.st_mode);
        if (!regular) archive_entry_set_size(e.get(), 0);
        if (S_ISLNK(st.st_mode)) archive_entry_set_symlink(e.get(), read_link(dirfd, name).c_str());
        for (const Xattr &x : read_xattrs(fd, dirfd, name))
            archive_entry_xattr_add_entry(e.get(), x.name.c_str(), x.value.data(), x.value.size());

        bool data = regular;
        if (regular && st.st_nlink > 1) {
            // A second name of an inode already in this tar becomes a hard
            // link entry without data.
            struct archive_entry *raw = e.release();
            struct archive_entry *spare = nullptr;
            archive_entry_linkify(resolver_, &raw, &spare);
            e.reset(raw);
            if (spare != nullptr) archive_entry_free(spare); // never for the tar strategy
            if (archive_entry_hardlink(e.get()) != nullptr) {
                data = false;
                archive_entry_set_size(e.get(), 0);
            }
        }
        std::vector<Region> regions;
        if (data && fd >= 0) {
            regions = sparse_map(fd, st, path);
            for (const Region &r : regions) archive_entry_sparse_add_entry(e.get(), r.offset, r.length);
        }
        int r = archive_write_header(a_, e.get());
        if (r < ARCHIVE_WARN) writer_fail("write header of '" + path + "'");
        if (!data) return;
        if (fd < 0) fail(BERTH_E_INTERNAL, "regular file '" + path + "' was not opened");
        write_content(fd, st.st_size, regions, path);
        bytes_ += st.st_size;
    }

    void marker(const std::string &path) override {
        EntryPtr e(archive_entry_new());
        if (!e) fail(BERTH_E_INTERNAL, "archive_entry_new failed");
        archive_entry_set_pathname(e.get(), path.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), 0);
        archive_entry_set_mtime(e.get(), 0, 0);
        if (archive_write_header(a_, e.get()) < ARCHIVE_WARN) writer_fail("write header of '" + path + "'");
    }

    [[noreturn]] void writer_fail(const std::string &what) const {
        if (out_.write_errno != 0) fail_errno(out_.write_errno, "layer tar: " + what);
        const char *message = archive_error_string(a_);
        fail(BERTH_E_IO, "layer tar: " + what + ": " + (message != nullptr ? message : "unknown libarchive error"));
    }

private:
    void put(const char *p, size_t length, const std::string &path) {
        if (archive_write_data(a_, p, length) < 0) writer_fail("write data of '" + path + "'");
    }

    // Holes go to libarchive as zeros it skips (it expects the whole
    // apparent content of a sparse entry and stores only the data regions).
    void put_zeros(int64_t length, const std::string &path) {
        while (length > 0) {
            size_t n = length < static_cast<int64_t>(io_block) ? static_cast<size_t>(length) : io_block;
            put(zeros_.get(), n, path);
            length -= static_cast<int64_t>(n);
        }
    }

    // Exactly `length` bytes from `offset`: a file that shrank meanwhile is
    // padded with zeros, one that grew is cut, as the header already
    // promised the size.
    void copy_range(int fd, int64_t offset, int64_t length, const std::string &path) {
        while (length > 0) {
            size_t want = length < static_cast<int64_t>(io_block) ? static_cast<size_t>(length) : io_block;
            ssize_t n = ::pread(fd, buffer_.get(), want, offset);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail_errno(errno, "read '" + path + "'");
            }
            if (n == 0) {
                put_zeros(length, path);
                return;
            }
            put(buffer_.get(), static_cast<size_t>(n), path);
            offset += n;
            length -= n;
        }
    }

    void write_content(int fd, int64_t size, const std::vector<Region> &regions, const std::string &path) {
        if (regions.empty()) {
            copy_range(fd, 0, size, path);
            return;
        }
        int64_t pos = 0;
        for (const Region &r : regions) {
            put_zeros(r.offset - pos, path);
            copy_range(fd, r.offset, r.length, path);
            pos = r.offset + r.length;
        }
        put_zeros(size - pos, path);
    }

    struct archive *a_;
    const Output &out_;
    IdMap id_map_;
    struct archive_entry_linkresolver *resolver_;
    std::unique_ptr<char[]> buffer_;
    std::unique_ptr<char[]> zeros_;
    int64_t bytes_ = 0;
};

class SizeSink final : public PlanSink {
public:
    int64_t total() const noexcept { return total_; }
    void entry(const std::string &, int, const std::string &, int, const struct stat &st) override {
        if (!S_ISREG(st.st_mode)) return;
        // Hard links are stored once, as write_tar does.
        if (st.st_nlink > 1 && !seen_.insert(DevIno{st.st_dev, st.st_ino}).second) return;
        total_ += st.st_size;
    }
    void marker(const std::string &) override {}

private:
    int64_t total_ = 0;
    std::unordered_set<DevIno, DevInoHash> seen_;
};

} // namespace
} // namespace berth::layertar::detail

namespace berth::layertar {

int64_t write_tar(int out_fd, const std::filesystem::path &root, const std::vector<Change> &changes) {
    return write_tar(out_fd, root, changes, WriteOptions{});
}

int64_t write_tar(int out_fd, const std::filesystem::path &root, const std::vector<Change> &changes,
                  const WriteOptions &options) {
    using namespace detail;
    check_id_map(options.id_map);
    Writer writer(out_fd);
    if (writer.a == nullptr) fail(BERTH_E_INTERNAL, "archive_write_new failed");
    // pax_restricted: plain ustar headers unless an entry needs more (long
    // names, xattrs, sparse maps, big ids), which is what docker writes.
    archive_write_set_format_pax_restricted(writer.a);
    archive_write_add_filter_none(writer.a);
    archive_write_set_bytes_per_block(writer.a, 64 * 1024);
    archive_write_set_bytes_in_last_block(writer.a, 1); // no padding after the end marker
    if (archive_write_open2(writer.a, &writer.out, nullptr, write_output, nullptr, nullptr) != ARCHIVE_OK)
        fail(BERTH_E_IO, std::string("layer tar: open: ") + archive_error_string(writer.a));
    TarSink sink(writer.a, writer.out, options.id_map);
    walk_plan(root, changes, sink, true);
    if (archive_write_close(writer.a) != ARCHIVE_OK) sink.writer_fail("finish");
    writer.closed = true;
    return sink.bytes();
}

int64_t content_size(const std::filesystem::path &root, const std::vector<Change> &changes) {
    detail::SizeSink sink;
    detail::walk_plan(root, changes, sink, false);
    return sink.total();
}

} // namespace berth::layertar
