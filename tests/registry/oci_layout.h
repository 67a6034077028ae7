// oci_layout.h — test images built in memory: a gzip'd layer tarball, a
// config for a platform, and the manifest referencing them; plus writing an
// OCI image layout directory (for skopeo) holding an index of such images.
#pragma once

#include "registry/descriptor.h"

#include <filesystem>
#include <string>
#include <vector>

namespace berth::registry::test {

// A .tar.gz holding one regular file.
std::string make_layer_tar_gz(const std::string &file_name, const std::string &content);

struct BuiltImage {
    Platform platform;
    std::string config;               // JSON bytes
    std::vector<std::string> layers;  // blob bytes
    std::string manifest;             // JSON bytes
    std::string manifest_media_type;
    std::string manifest_digest;
    Descriptor config_descriptor;
    std::vector<Descriptor> layer_descriptors;
};

// `oci` picks the OCI media types, else Docker schema2. Layers hold a file
// naming the platform so each image's blobs differ.
BuiltImage build_image(const Platform &platform, bool oci, int layer_count = 1);

// dir/oci-layout, dir/index.json (one entry: the index) and dir/blobs/sha256/*.
// Returns the digest of the OCI index listing `images`.
std::string write_oci_layout(const std::filesystem::path &dir, const std::vector<BuiltImage> &images);

} // namespace berth::registry::test
