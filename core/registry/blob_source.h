// blob_source.h — where the bytes of a blob being pushed come from. Random
// access, so a failed upload can start over without the caller's help.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace berth::registry {

struct BlobSource {
    std::uint64_t size = 0;
    // Copies up to `len` bytes at `offset` into `buf`; returns the count, 0
    // only past the end. May throw. Called from one thread at a time.
    std::function<std::size_t(std::uint64_t offset, char *buf, std::size_t len)> read_at;

    // A blob held in memory (configs, manifests' blobs in tests).
    static BlobSource from_bytes(std::string bytes);
    // A blob in a file, opened now and kept open until the source goes away.
    // Throws std::system_error when it cannot be opened.
    static BlobSource from_file(const std::filesystem::path &path);
};

} // namespace berth::registry
