// archive_format.h — the names in a docker-save archive (Docker 25+: an OCI
// image layout plus Docker's manifest.json and repositories files).
#pragma once

#include "images/digest.h"

#include <string>
#include <string_view>

namespace berth::images::archive {

inline constexpr std::string_view kManifestJson = "manifest.json";
inline constexpr std::string_view kIndexJson = "index.json";
inline constexpr std::string_view kOciLayoutFile = "oci-layout";
inline constexpr std::string_view kRepositoriesFile = "repositories";
inline constexpr std::string_view kOciLayoutContent = R"({"imageLayoutVersion":"1.0.0"})";

inline constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciLayerTarMediaType = "application/vnd.oci.image.layer.v1.tar";

// Index annotations naming an image: containerd's full reference
// ("docker.io/library/busybox:latest") and OCI's ref name (the tag).
inline constexpr std::string_view kAnnotationImageName = "io.containerd.image.name";
inline constexpr std::string_view kAnnotationRefName = "org.opencontainers.image.ref.name";

// "blobs/sha256/<hex>" for "sha256:<hex>".
inline std::string blob_member(std::string_view digest) {
    return "blobs/sha256/" + std::string(digest_hex(digest));
}

} // namespace berth::images::archive
