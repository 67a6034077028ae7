#include "build/engine/build_cache.h"

#include "images/image_service.h"

namespace berth::build {

std::optional<std::string> find_cached_step(images::ImageService &images, const std::string &parent_id,
                                            const nlohmann::json &container_config) {
    if (parent_id.empty()) return std::nullopt;
    std::optional<std::string> best;
    std::string best_created;
    for (const auto &child : images.images().children(parent_id)) {
        std::string bytes;
        try {
            bytes = images.images().config_bytes(child);
        } catch (const std::exception &) {
            continue; // removed meanwhile
        }
        const auto j = nlohmann::json::parse(bytes, nullptr, false);
        if (!j.is_object() || !j.contains("container_config") || j["container_config"] != container_config) continue;
        const std::string created = j.value("created", std::string());
        if (!best || created > best_created) {
            best = child;
            best_created = created;
        }
    }
    return best;
}

} // namespace berth::build
