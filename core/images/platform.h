// platform.h — OCI platforms (os/architecture/variant) in Docker's
// vocabulary: the host's own (for imported images' configs and as the pull
// default) and the normalisation containerd applies before comparing
// (aarch64 -> arm64, arm64 implies v8, arm defaults to v7).
#pragma once

#include <string>
#include <string_view>

namespace berth::images {

struct Platform {
    std::string os;           // "linux"
    std::string architecture; // "amd64", "arm64", "arm", ...
    std::string variant;      // "v8", "v7"; empty when it has none

    // "linux/arm64/v8", "linux/amd64".
    std::string string() const;
    bool operator==(const Platform &) const = default;
};

// The platform this daemon runs on, normalised.
Platform host_platform();

// Normalise names and fill default variants (containerd's Normalize).
Platform normalize_platform(Platform p);

// "linux/arm64", "linux/arm/v7", "arm64" (os defaults to linux). Throws
// InvalidArgument naming the value when it has more than three parts or
// an empty part.
Platform parse_platform(std::string_view s);

// Whether an image or index entry for `have` runs on `want` (after both
// are normalised; an empty variant in `have` matches any wanted variant,
// as registries often omit it).
bool platform_matches(const Platform &want, const Platform &have);

} // namespace berth::images
