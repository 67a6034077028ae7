// descriptor.h — the OCI descriptor and platform, as plain structs: what a
// manifest says about each blob it references (and, in an index, which
// os/architecture each child manifest is for).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::registry {

struct Platform {
    std::string os;           // "linux"
    std::string architecture; // "amd64", "arm64", "arm"
    std::string variant;      // "v8", "v7", "" when none
    std::string os_version;   // Windows images only
    std::vector<std::string> os_features;

    bool operator==(const Platform &) const = default;
};

struct Descriptor {
    std::string media_type;
    std::string digest; // "sha256:<hex>"
    std::int64_t size = 0;
    std::vector<std::string> urls; // foreign layers: where else the blob lives
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform; // index entries only
    std::string artifact_type;

    bool operator==(const Descriptor &) const = default;
};

} // namespace berth::registry
