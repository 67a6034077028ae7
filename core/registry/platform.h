// platform.h — `--platform` strings and choosing a child of a manifest list or
// OCI index, with containerd's normalization (x86_64 = amd64, aarch64 =
// arm64, arm64 means v8, arm means v7) and its compatibility rules (an arm/v7
// host runs v6 and v5 images; amd64/v3 runs v2 and v1).
#pragma once

#include "registry/descriptor.h"
#include "registry/manifest.h"

#include <optional>
#include <string>
#include <string_view>

namespace berth::registry {

// "linux", "linux/arm64", "linux/arm64/v8", or just an architecture ("arm64",
// taken as linux). Case-insensitive. The result is normalized. Throws
// RegistryError (Invalid) for anything else, naming the string.
Platform parse_platform(std::string_view spec);

// Canonical names: os lower-case ("macos" → "darwin"), architecture aliases
// resolved, default variants filled in (arm64 → v8, arm → v7) and amd64's
// "v1" dropped.
Platform normalize_platform(Platform p);

// The platform berthd runs images for: linux and the architecture this
// binary was compiled for (linux/amd64 on x86-64).
Platform default_platform();

// "linux/arm64/v8"; "linux/amd64" when there is no variant.
std::string format_platform(const Platform &p);

// How well `candidate` serves `wanted`: 0 is an exact match, higher numbers
// are older compatible variants, nullopt is no match. Both are normalized
// first.
std::optional<int> platform_match_rank(const Platform &wanted, const Platform &candidate);

bool platform_matches(const Platform &wanted, const Platform &candidate);

// Index of the child manifest to pull for `wanted`: the best rank, the first
// such entry on a tie. Entries without a platform, "unknown/unknown" entries
// and buildx attestation manifests are never chosen.
std::optional<std::size_t> select_manifest(const ManifestIndex &index, const Platform &wanted);

// moby's wording when nothing matches: "no matching manifest for linux/amd64
// in the manifest list entries".
std::string no_matching_manifest_message(const Platform &wanted);

} // namespace berth::registry
