// push_layer_blob.h — the compressed blob a push sends for one layer, made
// once and remembered on the layer record:
//   * a layer pulled here names its compressed blob (descriptor.json): sent
//     as is, so a pull → push round trip keeps every digest;
//   * an imported layer keeps its uncompressed tar (digest = diff_id): it is
//     gzip'd (deterministically) into the content store;
//   * a layer with no blob at all is read back from the storage driver
//     (diff against its parent) and gzip'd the same way.
// The gzip'd blob then becomes the layer's descriptor (LayerStore::
// set_descriptor), so later pushes send the same bytes without work.
// The caller holds ImageService::hold_for_ingest() (the new blob is
// unreferenced until the descriptor is written).
#pragma once

#include "images/image_service.h"
#include "registry/descriptor.h"

#include <stop_token>

namespace berth::distribution {

// Whether the media type names an uncompressed layer tar.
bool is_uncompressed_layer(std::string_view media_type);

// The blob to push for `layer`, present in the content store. Throws
// images::InternalError when the bytes the driver gives back do not hash to
// the layer's diff_id (the registry would then hold a layer that contradicts
// the image config), and "context canceled" when stopped. Leaves no temp
// files behind on any failure.
registry::Descriptor layer_blob_for_push(images::ImageService &service, const images::LayerRecord &layer,
                                         std::stop_token stop = {});

} // namespace berth::distribution
