// push_manifest.h — the manifest a push PUTs for an image.
//
// An image pulled here keeps the manifest it came with (ImageStore
// manifests). When that manifest's config and layer blobs are all still in
// the content store, the push sends those exact bytes, so the pushed digest
// equals the pulled one and a pull from the new place gives the same image
// ID and RepoDigest. Otherwise a new manifest is written: Docker schema2
// (what `docker push` writes), or OCI when a layer's media type has no
// Docker equivalent (zstd, uncompressed).
#pragma once

#include "images/image_service.h"
#include "registry/descriptor.h"

#include <optional>
#include <string>
#include <vector>

namespace berth::distribution {

struct PushManifest {
    std::string media_type;
    std::string bytes;
    registry::Descriptor config;
    std::vector<registry::Descriptor> layers; // base first, as in the manifest
};

// The newest recorded manifest of `image` that describes it (config digest
// = image ID, one layer per diff_id) and whose blobs are all present.
std::optional<PushManifest> recorded_manifest(images::ImageService &service, const images::Image &image);

// A fresh manifest for config_bytes (whose digest is the image ID) and its
// layer blobs, base first.
PushManifest build_manifest(const std::string &config_bytes, const std::vector<registry::Descriptor> &layers);

} // namespace berth::distribution
