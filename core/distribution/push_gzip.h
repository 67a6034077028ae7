// push_gzip.h — the gzip a push sends for a layer that is kept (or
// produced) uncompressed. Deterministic on purpose: the header carries no
// file name and mtime 0, and the level is fixed, so compressing the same tar
// twice gives the same blob digest, and a second push (or a push from
// another daemon with the same zlib) finds the layer already there.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

namespace berth::distribution {

// zlib's default level (6): the trade-off moby's Go gzip also defaults to.
inline constexpr int kPushGzipLevel = 6;

struct GzipStreamResult {
    std::string uncompressed_digest; // sha256 of what was read: the layer's diff_id
    int64_t uncompressed_size = 0;
    int64_t compressed_size = 0;
};

// Reads src_fd (borrowed) from its current offset to EOF, compresses it and
// hands the compressed bytes to `out` in order. Throws images::InternalError
// on read or zlib failures, and RegistryError "context canceled" when `stop`
// is requested (checked between buffers). Whatever `out` throws propagates.
GzipStreamResult gzip_stream(int src_fd, const std::function<void(std::string_view)> &out,
                             std::stop_token stop = {});

// The same over bytes in memory (tests, small blobs).
std::string gzip_bytes(std::string_view data);

} // namespace berth::distribution
