// build_cache.h — moby's local image cache for the legacy builder: a step's
// result is an image whose parent is the step's starting image and whose
// "container_config" is exactly the config the step would commit with
// (its Cmd names the command, or for COPY/ADD the checksum of the files).
// Intermediate images are kept for that; the newest match wins.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace berth::images {
class ImageService;
}

namespace berth::build {

std::optional<std::string> find_cached_step(images::ImageService &images, const std::string &parent_id,
                                            const nlohmann::json &container_config);

} // namespace berth::build
