#include "images/archive/tar_writer.h"

#include "images/errors.h"
#include "images/fs_util.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <memory>
#include <unistd.h>
#include <vector>

namespace berth::images::archive {
namespace {

struct WriteContext {
    const ByteWriter *out;
    std::exception_ptr *error;
    bool abandoned = false; // dropped unfinished: swallow the end blocks
};

// Exceptions from the ByteWriter (a client that went away) must not cross
// libarchive's C frames: park them, and rethrow once libarchive returns.
// The callback still reports success, because an archive in libarchive's
// fatal state is freed without closing and leaks its output buffer; the
// rest of the output is swallowed instead.
la_ssize_t write_cb(struct archive *, void *data, const void *buf, size_t len) {
    auto *ctx = static_cast<WriteContext *>(data);
    if (ctx->abandoned) return la_ssize_t(len);
    try {
        (*ctx->out)(static_cast<const char *>(buf), len);
    } catch (...) {
        *ctx->error = std::current_exception();
        ctx->abandoned = true;
    }
    return la_ssize_t(len);
}

int free_cb(struct archive *, void *data) {
    delete static_cast<WriteContext *>(data);
    return ARCHIVE_OK;
}

struct EntryDeleter {
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

} // namespace

TarWriter::TarWriter(const ByteWriter &out) : out_(out) {
    a_ = archive_write_new();
    if (a_ == nullptr) throw InternalError("out of memory");
    // PAX only where ustar cannot say it (long names, big sizes), as Go's
    // archive/tar does; no padding of the last block to 10 KiB.
    archive_write_set_format_pax_restricted(a_);
    archive_write_set_bytes_in_last_block(a_, 1);
    ctx_ = new WriteContext{&out_, &error_};
    auto *ctx = static_cast<WriteContext *>(ctx_);
    if (archive_write_open2(a_, ctx, nullptr, write_cb, nullptr, free_cb) != ARCHIVE_OK) {
        // Only out of memory gets here; the destructor will not run.
        const std::string why = archive_error_string(a_) ? archive_error_string(a_) : "cannot open";
        ctx->abandoned = true;
        archive_write_free(a_);
        a_ = nullptr;
        throw InternalError("docker save: " + why);
    }
}

TarWriter::~TarWriter() {
    if (a_ != nullptr) {
        // free() closes, which would flush and write the end blocks: a
        // broken archive must not look complete, so the callback swallows
        // them. (archive_write_fail would skip the close, but then
        // libarchive leaks its output buffer.)
        static_cast<WriteContext *>(ctx_)->abandoned = true;
        archive_write_free(a_);
    }
}

void TarWriter::fail(const std::string &doing) {
    if (error_) std::rethrow_exception(error_);
    const char *why = archive_error_string(a_);
    throw InternalError("docker save: " + doing + ": " + (why ? why : "tar write failed"));
}

void TarWriter::header(const std::string &name, bool directory, int64_t size, int64_t mtime) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), directory ? 0755 : 0644);
    archive_entry_set_size(e.get(), directory ? 0 : size);
    archive_entry_set_mtime(e.get(), time_t(mtime), 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a_, e.get()) != ARCHIVE_OK) fail("header of " + name);
    if (error_) std::rethrow_exception(error_);
}

void TarWriter::data(const char *p, size_t len) {
    while (len > 0) {
        const la_ssize_t n = archive_write_data(a_, p, len);
        if (n <= 0) fail("write");
        if (error_) std::rethrow_exception(error_);
        p += n;
        len -= size_t(n);
    }
}

void TarWriter::add_directory(const std::string &name, int64_t mtime) { header(name + "/", true, 0, mtime); }

void TarWriter::add_bytes(const std::string &name, std::string_view bytes, int64_t mtime) {
    header(name, false, int64_t(bytes.size()), mtime);
    data(bytes.data(), bytes.size());
}

void TarWriter::add_file(const std::string &name, int fd, int64_t size, int64_t mtime) {
    header(name, false, size, mtime);
    std::vector<char> buf(256 * 1024);
    int64_t left = size;
    while (left > 0) {
        const ssize_t n = ::read(fd, buf.data(), size_t(std::min<int64_t>(left, int64_t(buf.size()))));
        if (n < 0) {
            if (errno == EINTR) continue;
            fsx::throw_errno("docker save: read " + name, errno);
        }
        if (n == 0) throw InternalError("docker save: " + name + " ended " + std::to_string(left) + " bytes early");
        data(buf.data(), size_t(n));
        left -= n;
    }
}

void TarWriter::finish() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail("finish");
    if (error_) std::rethrow_exception(error_);
    archive_write_free(a_);
    a_ = nullptr;
}

} // namespace berth::images::archive
