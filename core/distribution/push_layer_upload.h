// push_layer_upload.h — getting an image's layer blobs into a repository,
// several at a time, with moby's per-layer progress lines (id = the first
// 12 hex of the layer's diff_id):
//   Preparing, Waiting (only for layers queued behind the first
//   `concurrency`), then one of
//   "Layer already exists"        HEAD found the blob in the repository
//   "Mounted from <repository>"   a cross-repository mount from a place the
//                                 BlobSourceIndex knows worked
//   Pushing (bytes of total) …  "Pushed"
// The first failure (including a sink that throws, or the stop_token) stops
// the other uploads and is rethrown once they have ended.
#pragma once

#include "distribution/blob_sources.h"
#include "distribution/progress.h"
#include "images/image_service.h"
#include "registry/descriptor.h"
#include "registry/registry_client.h"

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace berth::distribution {

// moby's default is 5 (max-concurrent-uploads); Berth uses 3.
inline constexpr size_t kPushConcurrency = 3;
// Cross-repository mounts tried per layer before uploading.
inline constexpr size_t kMaxMountAttempts = 3;

struct LayerUpload {
    std::string diff_id;
    std::string chain_id;
    // The blob to send when already decided (from a recorded manifest);
    // nullopt: layer_blob_for_push() decides.
    std::optional<registry::Descriptor> blob;
};

struct UploadTarget {
    registry::RegistryClient &client;
    std::string registry;   // "127.0.0.1:5000" (BlobSourceIndex key)
    std::string repository; // the registry's path: "busybox"
};

// Uploads `layers` in the order given (moby lists the top layer first) and
// returns the blob pushed for each, in the same order.
std::vector<registry::Descriptor> upload_layers(images::ImageService &service, const UploadTarget &target,
                                                BlobSourceIndex &index, const std::vector<LayerUpload> &layers,
                                                ProgressSink &sink, std::stop_token stop,
                                                size_t concurrency = kPushConcurrency);

} // namespace berth::distribution
