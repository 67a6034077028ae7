#include "images/image_commit.h"

#include "images/errors.h"
#include "images/fs_util.h"
#include "images/image_service.h"
#include "images/platform.h"
#include "images/time_format.h"
#include "images/unique_fd.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace berth::images {
namespace {

// The diff in an unlinked file under the service's scratch directory: a
// diff whose writer failed half-way must never reach the layer store,
// which would register the truncated tar as a valid layer.
UniqueFd spool_diff(ImageService &service, const std::function<void(int)> &write_diff) {
    const auto tmp = service.root() / "tmp";
    fsx::make_dirs(tmp);
    UniqueFd fd(::open(tmp.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (!fd) throw InternalError("commit: scratch file in " + tmp.string() + ": " + std::strerror(errno));
    write_diff(fd.get());
    if (::lseek(fd.get(), 0, SEEK_SET) != 0)
        throw InternalError("commit: rewind diff: " + std::string(std::strerror(errno)));
    return fd;
}

// Whether the tar holds no entry at all (an unchanged container).
bool tar_is_empty(int fd) {
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    archive_read_support_format_empty(a.get());
    bool empty = false;
    if (archive_read_open_fd(a.get(), fd, 1 << 16) == ARCHIVE_OK) {
        archive_entry *e = nullptr;
        empty = archive_read_next_header(a.get(), &e) == ARCHIVE_EOF;
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) throw InternalError("commit: rewind diff: " + std::string(std::strerror(errno)));
    return empty;
}

std::string joined_cmd(const std::string &container_config_json) {
    const auto cfg =
        nlohmann::json::parse(container_config_json.empty() ? "{}" : container_config_json, nullptr, false);
    std::string out;
    if (cfg.is_object() && cfg.contains("Cmd") && cfg["Cmd"].is_array())
        for (const auto &arg : cfg["Cmd"])
            if (arg.is_string()) out += (out.empty() ? "" : " ") + arg.get<std::string>();
    return out;
}

} // namespace

std::string commit_image(ImageService &service, const CommitOptions &options) {
    std::optional<Image> parent;
    if (!options.parent_image_id.empty()) parent = service.images().get(options.parent_image_id);
    UniqueFd diff = spool_diff(service, options.write_diff);
    const bool empty_layer = tar_is_empty(diff.get());

    auto hold = service.hold_for_ingest(); // gc must not collect the layer before the image exists
    std::optional<RegisterResult> reg;
    if (!empty_layer) {
        RegisterOptions reg_options;
        reg_options.parent_chain = parent ? parent->top_chain() : "";
        reg_options.keep_tar_blob = true; // push sends these exact bytes, so diff_id stays true
        reg = service.layers().register_layer(diff.get(), reg_options);
    }

    std::string id;
    try {
        ImageConfig config;
        if (parent) {
            config.architecture = parent->config.architecture;
            config.os = parent->config.os;
            config.variant = parent->config.variant;
            config.os_version = parent->config.os_version;
            config.diff_ids = parent->config.diff_ids;
            config.history = parent->config.history;
        } else {
            const Platform p = normalize_platform(host_platform());
            config.architecture = p.architecture;
            config.os = p.os;
        }
        config.created = format_rfc3339_nano(std::chrono::system_clock::now());
        config.author = options.author;
        config.comment = options.comment;
        config.config_json = options.config_json.empty() ? "{}" : options.config_json;
        if (reg) config.diff_ids.push_back(reg->layer.diff_id);
        config.history.push_back(HistoryEntry{config.created, joined_cmd(options.container_config_json), options.author,
                                              options.comment, empty_layer});
        // ImageConfig has no fields for these two; the serialised keys are
        // sorted, so adding them keeps the bytes (and the ID) stable.
        auto j = nlohmann::json::parse(serialize_image_config(config));
        j["container"] = options.container_id;
        j["container_config"] =
            nlohmann::json::parse(options.container_config_json.empty() ? "{}" : options.container_config_json);
        const Image img = service.images().create_from_config(j.dump(), parent ? parent->id : "");
        id = img.id;
    } catch (...) {
        if (reg && !reg->existed) {
            // Keep the parent's stack whatever else happens to use it.
            auto in_use = service.images().chains_in_use();
            if (parent && !parent->top_chain().empty()) in_use.insert(parent->top_chain());
            try {
                service.layers().release(reg->layer.chain_id, in_use);
            } catch (const std::exception &e) {
                spdlog::warn("commit: could not release layer {}: {}", reg->layer.chain_id, e.what());
            }
        }
        throw;
    }
    hold.unlock();
    if (options.tag) service.tag_image(id, *options.tag);
    return id;
}

} // namespace berth::images
