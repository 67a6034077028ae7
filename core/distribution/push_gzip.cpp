#include "distribution/push_gzip.h"

#include "distribution/push_canceled.h"
#include "images/digest.h"
#include "images/errors.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace berth::distribution {
namespace {

constexpr size_t kBuffer = 128 * 1024;

// Owns a deflate stream set up for gzip framing. deflateInit2 with
// windowBits 15 + 16 writes the minimal gzip header zlib knows (no name, no
// comment, mtime 0), which is what makes the output reproducible.
class Deflater {
public:
    Deflater() {
        if (deflateInit2(&z_, kPushGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw images::InternalError("gzip: cannot initialise zlib");
    }
    ~Deflater() { deflateEnd(&z_); }
    Deflater(const Deflater &) = delete;
    Deflater &operator=(const Deflater &) = delete;

    // Compress `in` (flush = Z_FINISH at the end) and pass the output on.
    int64_t feed(const char *in, size_t len, int flush, const std::function<void(std::string_view)> &out) {
        z_.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in));
        z_.avail_in = static_cast<uInt>(len);
        int64_t produced = 0;
        int rc = Z_OK;
        do {
            z_.next_out = reinterpret_cast<Bytef *>(buf_.data());
            z_.avail_out = static_cast<uInt>(buf_.size());
            rc = deflate(&z_, flush);
            if (rc == Z_STREAM_ERROR) throw images::InternalError("gzip: zlib stream error");
            const size_t have = buf_.size() - z_.avail_out;
            if (have) {
                out(std::string_view(buf_.data(), have));
                produced += int64_t(have);
            }
        } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
        return produced;
    }

private:
    z_stream z_{};
    std::vector<char> buf_ = std::vector<char>(kBuffer);
};

} // namespace

GzipStreamResult gzip_stream(int src_fd, const std::function<void(std::string_view)> &out, std::stop_token stop) {
    Deflater deflater;
    images::Sha256 hash;
    GzipStreamResult result;
    std::vector<char> in(kBuffer);
    while (true) {
        if (stop.stop_requested()) throw_canceled();
        const ssize_t n = ::read(src_fd, in.data(), in.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw images::InternalError(std::string("gzip: read layer: ") + std::strerror(errno));
        }
        if (n == 0) break;
        hash.update(in.data(), size_t(n));
        result.uncompressed_size += n;
        result.compressed_size += deflater.feed(in.data(), size_t(n), Z_NO_FLUSH, out);
    }
    result.compressed_size += deflater.feed(nullptr, 0, Z_FINISH, out);
    result.uncompressed_digest = hash.digest();
    return result;
}

std::string gzip_bytes(std::string_view data) {
    Deflater deflater;
    std::string out;
    auto append = [&](std::string_view b) { out.append(b); };
    deflater.feed(data.data(), data.size(), Z_FINISH, append);
    return out;
}

} // namespace berth::distribution
