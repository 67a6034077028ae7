// tee_apply.h — apply an uncompressed layer tar to a storage layer while
// computing its diff_id in the same pass. The core reads the source fd,
// hashes every byte (and hands it to an optional sink, e.g. a BlobWriter
// keeping a copy), and writes it into a socket whose other end feeds
// LayerDriver::apply_diff on a worker thread. The diff_id must cover the
// whole stream, so bytes after the tar's end marker (padding the driver
// does not read) are still hashed.
#pragma once

#include "images/layer_driver.h"

#include <cstdint>
#include <functional>
#include <string>

namespace berth::images {

struct TeeOutcome {
    std::string diff_id;      // "sha256:<hex>" of every byte read
    int64_t applied_size = 0; // what apply_diff reported
    uint64_t bytes_read = 0;
};

using ChunkSink = std::function<void(const char *data, size_t len)>;
using ByteProgress = std::function<void(uint64_t bytes_so_far)>;

// Reads in_fd (borrowed) to EOF. Throws the driver's StorageError when the
// apply fails (without reading the rest of the source), InternalError when
// the source cannot be read, and whatever the sink throws; in every case
// the apply has finished before this returns.
TeeOutcome apply_hashed(LayerDriver &driver, const std::string &id, const std::string &parent, int in_fd,
                        const ChunkSink &sink = {}, const ByteProgress &progress = {});

} // namespace berth::images
