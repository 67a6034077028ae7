// image_config.h — the image config JSON (OCI image config / Docker
// "container.image.v1"), read into plain fields the stores and the API use,
// and written back for images made here (import, commit, build). The
// container config ("config": Cmd, Env, Entrypoint, ...) stays JSON text:
// the container code owns its schema. nlohmann/json stays in the .cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::images {

inline constexpr std::string_view kDockerConfigMediaType = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kOciConfigMediaType = "application/vnd.oci.image.config.v1+json";

struct HistoryEntry {
    std::string created; // RFC 3339, "" when absent
    std::string created_by;
    std::string author;
    std::string comment;
    bool empty_layer = false; // no diff_id belongs to this step
    bool operator==(const HistoryEntry &) const = default;
};

struct ImageConfig {
    std::string architecture;
    std::string os;
    std::string variant;
    std::string os_version;
    std::string created; // RFC 3339 as written, "" when absent
    std::string author;
    std::string comment;
    std::string docker_version;
    std::string config_json = "{}"; // the "config" object as JSON text
    std::string rootfs_type = "layers";
    std::vector<std::string> diff_ids; // base first
    std::vector<HistoryEntry> history; // oldest first
};

// Throws InvalidArgument saying what is wrong ("image config: rootfs.type
// must be \"layers\"", "... diff_ids[2]: invalid checksum digest format").
ImageConfig parse_image_config(std::string_view bytes);

// Serialise (stable key order, so equal configs give equal image IDs).
// Empty optional strings are left out, as Go's omitempty does.
std::string serialize_image_config(const ImageConfig &config);

} // namespace berth::images
