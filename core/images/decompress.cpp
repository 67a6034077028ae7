#include "images/decompress.h"

#include "images/errors.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace berth::images {

DecompressedReader::DecompressedReader(int src_fd, std::string what) : what_(std::move(what)) {
    // libarchive calls empty input an unrecognised format; an empty blob
    // file simply decompresses to nothing.
    struct stat st {};
    if (::fstat(src_fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
        eof_ = true;
        return;
    }
    ar_ = archive_read_new();
    if (ar_ == nullptr) throw InternalError("out of memory");
    // The "raw" format hands back the filtered stream as one entry: we use
    // libarchive only for its decompressors and their magic detection.
    archive_read_support_filter_all(ar_);
    archive_read_support_format_raw(ar_);
    if (archive_read_open_fd(ar_, src_fd, 128 * 1024) != ARCHIVE_OK) {
        const std::string why = archive_error_string(ar_) ? archive_error_string(ar_) : "unreadable";
        archive_read_free(ar_);
        ar_ = nullptr;
        throw InvalidArgument(what_ + ": " + why);
    }
    archive_entry *entry = nullptr;
    const int r = archive_read_next_header(ar_, &entry);
    if (r == ARCHIVE_EOF) {
        eof_ = true; // an empty blob decompresses to nothing
    } else if (r != ARCHIVE_OK) {
        const std::string why = archive_error_string(ar_) ? archive_error_string(ar_) : "unreadable";
        archive_read_free(ar_);
        ar_ = nullptr;
        throw InvalidArgument(what_ + ": " + why);
    }
}

DecompressedReader::~DecompressedReader() {
    if (ar_ != nullptr) archive_read_free(ar_);
}

size_t DecompressedReader::read(char *buf, size_t len) {
    if (eof_ || len == 0) return 0;
    const la_ssize_t n = archive_read_data(ar_, buf, len);
    if (n < 0) {
        const char *why = archive_error_string(ar_);
        throw InvalidArgument(what_ + ": " + compression() + " data is corrupt: " + (why ? why : "read error"));
    }
    if (n == 0) eof_ = true;
    return static_cast<size_t>(n);
}

std::string DecompressedReader::compression() const {
    if (ar_ == nullptr || archive_filter_count(ar_) <= 1) return "none";
    switch (archive_filter_code(ar_, 0)) {
    case ARCHIVE_FILTER_GZIP: return "gzip";
    case ARCHIVE_FILTER_ZSTD: return "zstd";
    case ARCHIVE_FILTER_XZ: return "xz";
    case ARCHIVE_FILTER_BZIP2: return "bzip2";
    case ARCHIVE_FILTER_NONE: return "none";
    default: return archive_filter_name(ar_, 0);
    }
}

namespace {

void write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        // send(MSG_NOSIGNAL): a consumer that stops early must not SIGPIPE us.
        const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            // EPIPE: the consumer stopped reading (it failed or had enough).
            throw InternalError(std::string("decompress: write: ") + std::strerror(errno));
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
}

} // namespace

DecompressPipe::DecompressPipe(int src_fd, std::string what) {
    // A socket pair rather than a pipe, so the feeder can write with
    // MSG_NOSIGNAL and a consumer that stops early costs no SIGPIPE.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw InternalError(std::string("socketpair: ") + std::strerror(errno));
    read_end_.reset(fds[0]);
    UniqueFd write_end(fds[1]);
    ::shutdown(fds[0], SHUT_WR);
    ::shutdown(fds[1], SHUT_RD);
    feeder_ = std::thread([this, src_fd, what = std::move(what), w = std::move(write_end)]() mutable {
        try {
            DecompressedReader reader(src_fd, what);
            std::vector<char> buf(256 * 1024);
            for (;;) {
                const size_t n = reader.read(buf.data(), buf.size());
                if (n == 0) break;
                write_all(w.get(), buf.data(), n);
            }
        } catch (...) {
            error_ = std::current_exception();
        }
        w.reset(); // EOF for the consumer
    });
}

DecompressPipe::~DecompressPipe() {
    read_end_.reset();
    if (feeder_.joinable()) feeder_.join();
}

void DecompressPipe::finish() {
    read_end_.reset();
    if (feeder_.joinable()) feeder_.join();
    if (!error_) return;
    try {
        std::rethrow_exception(std::exchange(error_, nullptr));
    } catch (const InternalError &) {
        // Our own write failing: the consumer stopped reading.
    }
}

} // namespace berth::images
