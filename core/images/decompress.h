// decompress.h — the uncompressed bytes of a layer blob, whatever it was
// compressed with (gzip, zstd, xz, bzip2, or nothing), detected from the
// bytes themselves as libarchive's filters do: registries and docker-save
// archives label compression unreliably, and a diff_id is always the hash of
// the uncompressed tar.
#pragma once

#include "images/unique_fd.h"

#include <cstddef>
#include <exception>
#include <string>
#include <thread>

struct archive;

namespace berth::images {

// Pull-style: read() the decompressed bytes of src_fd (borrowed).
class DecompressedReader {
public:
    // what: names the blob in errors ("layer sha256:abc..."), e.g.
    // "layer sha256:ab..: gzip data is corrupt: <libarchive's words>".
    DecompressedReader(int src_fd, std::string what);
    ~DecompressedReader();
    DecompressedReader(const DecompressedReader &) = delete;
    DecompressedReader &operator=(const DecompressedReader &) = delete;

    // Up to len bytes; 0 at the end. Throws InvalidArgument for corrupt data.
    size_t read(char *buf, size_t len);
    // "gzip", "zstd", "xz", "bzip2" or "none": known after the first read.
    std::string compression() const;

private:
    struct archive *ar_ = nullptr;
    std::string what_;
    bool eof_ = false;
};

// Push-style for APIs that take an fd: a thread decompresses src_fd into a
// pipe whose read end is fd(). The consumer reads fd() to EOF (or stops);
// finish() then joins the thread and rethrows its error, so corrupt input
// is reported even when the consumer saw a clean EOF.
class DecompressPipe {
public:
    DecompressPipe(int src_fd, std::string what);
    ~DecompressPipe(); // joins (closing the read end first so the feeder stops)
    DecompressPipe(const DecompressPipe &) = delete;
    DecompressPipe &operator=(const DecompressPipe &) = delete;

    int fd() const { return read_end_.get(); }
    // Call when the consumer is done with fd(), successfully or not: closes
    // the read end (so a feeder blocked on a consumer that gave up stops),
    // joins, and rethrows the feeder's error — except the broken-pipe error
    // a consumer that stopped early causes, which is not the input's fault.
    void finish();

private:
    UniqueFd read_end_;
    std::thread feeder_;
    std::exception_ptr error_;
};

} // namespace berth::images
