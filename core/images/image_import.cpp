// ImageService::import_rootfs — `docker import` and the built-in base
// images: one layer from a tar, one fresh config around it.
#include "images/image_service.h"

#include "images/errors.h"
#include "images/time_format.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace berth::images {

std::string ImageService::import_rootfs(int tar_fd, const ImportOptions &options) {
    std::string container_config = options.config_json;
    if (container_config.empty()) {
        nlohmann::json cfg = nlohmann::json::object();
        if (!options.env.empty()) cfg["Env"] = options.env;
        if (!options.cmd.empty()) cfg["Cmd"] = options.cmd;
        container_config = cfg.dump();
    }
    const Platform platform = normalize_platform(options.platform.value_or(host_platform()));

    auto hold = hold_for_ingest(); // gc must not collect the layer before the image exists
    RegisterOptions reg_options;
    reg_options.keep_tar_blob = options.keep_tar_blob;
    reg_options.progress = options.progress;
    const RegisterResult reg = layers_->register_layer(tar_fd, reg_options);

    std::string id;
    try {
        ImageConfig config;
        config.architecture = platform.architecture;
        config.os = platform.os;
        // amd64 has no variant; arm64's implied v8 is left out as Docker does.
        config.variant = platform.architecture == "arm64" && platform.variant == "v8" ? "" : platform.variant;
        config.created = format_rfc3339_nano(std::chrono::system_clock::now());
        config.author = options.author;
        config.comment = options.comment;
        config.config_json = container_config;
        config.diff_ids = {reg.layer.diff_id};
        config.history = {HistoryEntry{config.created, options.created_by, options.author, options.comment, false}};
        const Image img = images_->create_from_config(serialize_image_config(config));
        emit("import", img.id, img.id);
        id = img.id;
    } catch (...) {
        // No image came of it: a layer this call created must not linger.
        if (!reg.existed) {
            try {
                layers_->release(reg.layer.chain_id, layers_in_use());
            } catch (const std::exception &e) {
                spdlog::warn("image import: could not release layer {}: {}", reg.layer.chain_id, e.what());
            }
        }
        throw;
    }
    hold.unlock();
    // As in dockerd, the image exists before the tag: a refused tag leaves
    // it dangling rather than undoing the import.
    if (options.tag) tag_image(id, *options.tag);
    return id;
}

} // namespace berth::images
