// layer_tar_source.h — the uncompressed tar of an image layer, as
// `docker save` must write it (its sha256 is the layer's diff_id).
// Cheapest source first:
//   1. a blob in the content store named by the diff_id (the tar kept by
//      import or load): streamed as is, size known;
//   2. a compressed blob (from a pull): decompressed into a spool file;
//   3. no blob: the storage driver's diff against the parent, spooled.
// Tar headers need the size up front, hence the spooling; spooled bytes
// are hashed and must match the diff_id, so an archive never carries a
// layer its config does not describe.
#pragma once

#include "images/layer_store.h"
#include "images/unique_fd.h"

#include <cstdint>
#include <filesystem>

namespace berth::images {
class ImageService;
}

namespace berth::images::archive {

struct LayerTar {
    UniqueFd fd; // positioned at the start
    int64_t size = 0;
};

// Throws InternalError when the bytes do not hash to layer.diff_id.
LayerTar open_layer_tar(ImageService &service, const LayerRecord &layer, const std::filesystem::path &scratch);

} // namespace berth::images::archive
