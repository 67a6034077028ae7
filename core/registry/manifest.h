// manifest.h — image manifests and indexes (Docker schema2 and OCI), parsed
// from and written to the exact JSON bytes a registry stores. The bytes, not
// these structs, are what digests are computed over: keep the bytes when you
// need the digest.
#pragma once

#include "registry/descriptor.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

// Docker schema2 manifest or OCI image manifest.
struct ImageManifest {
    int schema_version = 2;
    std::string media_type; // as served (Content-Type), even when the JSON omits it
    std::string artifact_type;
    Descriptor config;
    std::vector<Descriptor> layers;
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
};

// Docker manifest list or OCI index.
struct ManifestIndex {
    int schema_version = 2;
    std::string media_type;
    std::vector<Descriptor> manifests;
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
};

enum class ManifestKind { Image, Index };

// Image for the two manifest types, Index for list/index, nullopt for anything
// else (schema1 included).
std::optional<ManifestKind> manifest_kind(std::string_view media_type);

// The media type of manifest `bytes`: the Content-Type when it names a
// manifest kind, else the JSON's own mediaType, else guessed from its shape
// ("manifests" → OCI index, "config" → OCI manifest) since OCI makes the
// field optional and some registries answer application/json. Throws
// RegistryError (Invalid) for schema1 and (Corrupt) for bytes that are no
// manifest at all.
std::string detect_manifest_media_type(std::string_view content_type, std::string_view bytes);

// Throw RegistryError (Corrupt) when the JSON is malformed, lacks required
// fields, or its mediaType contradicts `media_type`.
ImageManifest parse_image_manifest(std::string_view bytes, std::string_view media_type);
ManifestIndex parse_manifest_index(std::string_view bytes, std::string_view media_type);

// JSON for a push, fields in the order docker writes them, 3-space indent as
// docker's own (the bytes are the manifest; their sha256 is its digest).
std::string write_image_manifest(const ImageManifest &manifest);
std::string write_manifest_index(const ManifestIndex &index);

} // namespace berth::registry
