// tar_writer.h — the archive side of `docker save`: a PAX tar (libarchive)
// streamed into a ByteWriter, with deterministic headers (uid/gid 0, no
// user names, fixed modes, the mtime the caller gives) so saving the same
// images twice gives the same bytes.
#pragma once

#include "images/archive/archive.h"

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

struct archive;

namespace berth::images::archive {

class TarWriter {
public:
    explicit TarWriter(const ByteWriter &out);
    ~TarWriter(); // without finish(): the output simply stops
    TarWriter(const TarWriter &) = delete;
    TarWriter &operator=(const TarWriter &) = delete;

    void add_directory(const std::string &name, int64_t mtime);
    void add_bytes(const std::string &name, std::string_view data, int64_t mtime);
    // Exactly size bytes from fd (borrowed), from its current offset.
    void add_file(const std::string &name, int fd, int64_t size, int64_t mtime);
    // The end-of-archive blocks.
    void finish();

private:
    void header(const std::string &name, bool directory, int64_t size, int64_t mtime);
    void data(const char *p, size_t len);
    [[noreturn]] void fail(const std::string &doing);

    struct archive *a_ = nullptr;
    void *ctx_ = nullptr; // the write callback's context, freed by libarchive
    const ByteWriter &out_;
    std::exception_ptr error_; // what the ByteWriter threw
};

} // namespace berth::images::archive
