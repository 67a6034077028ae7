// image_commit.h — `docker commit`: a new image whose layers are the
// container's image layers plus the container's RW diff, built through
// ImageService's public API (as import_rootfs builds one from a tar).
// Follows moby's NewChildImage: the parent's platform and history, one new
// history entry (created_by = the container's Cmd joined by spaces, with
// author and comment), "container" and "container_config", and an empty
// diff (a tar without entries) adds no layer: it stays out of
// rootfs.diff_ids and its history entry is empty_layer.
#pragma once

#include "images/reference.h"

#include <functional>
#include <optional>
#include <string>

namespace berth::images {

class ImageService;

struct CommitOptions {
    std::string container_id;
    std::string container_config_json; // the container's Config, kept as "container_config"
    std::string config_json;           // the new image's "config" (see containers/archive/commit_config.h)
    std::string parent_image_id;       // the container's image; "" for none
    std::string author;
    std::string comment;
    std::optional<Reference> tag; // tag the result
    // Writes the container's RW layer diff (an uncompressed tar) to out_fd.
    std::function<void(int out_fd)> write_diff;
};

// Returns the new image ID. On failure no image and no new layer remain.
std::string commit_image(ImageService &service, const CommitOptions &options);

} // namespace berth::images
