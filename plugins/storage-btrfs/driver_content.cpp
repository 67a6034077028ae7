// driver_content.cpp — layer content: diff, changes, apply_diff, diff_size.
// btrfs has no cheap way to list what a snapshot changed against its source
// (send streams need read-only subvolumes), so like dockerd's btrfs driver
// this uses the naive differ from the layer-tar library.
#include "driver.hpp"
#include "layertar_call.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace berth::btrfs {
std::string Driver::diff_parent(const std::string &id, const char *parent) const {
    require_layer(id);
    // NULL is "the layer's own parent" by the ABI; "" is taken the same way,
    // because C callers commonly pass "" for "not given". A full export of a
    // layer with a parent is never what a caller means by "".
    std::string p = (parent == nullptr || *parent == '\0') ? meta_of(id).parent : std::string(parent);
    if (p.empty()) return {};
    check_id(p);
    if (!exists(p)) throw sdk::error(BERTH_E_NOTFOUND, "btrfs: parent layer " + p + " of " + id + " does not exist");
    return subvol_path(p);
}

void Driver::diff(const std::string &id, const char *parent, int out_fd) const {
    std::string base = diff_parent(id, parent);
    std::string root = subvol_path(id);
    layertar_call("diff of layer " + id, [&] {
        auto changes = layertar::changes_between(root, base);
        // Layers hold host ids under an id map; a tar carries the container's.
        layertar::WriteOptions options;
        options.id_map = id_map_;
        return layertar::write_tar(out_fd, root, changes, options);
    });
}

std::string Driver::changes_json(const std::string &id, const char *parent) const {
    std::string base = diff_parent(id, parent);
    auto changes = layertar_call("changes of layer " + id,
                                 [&] { return layertar::changes_between(subvol_path(id), base); });
    nlohmann::json out = nlohmann::json::array();
    for (const auto &c : changes) out.push_back({{"Path", c.path}, {"Kind", static_cast<int>(c.kind)}});
    return out.dump();
}

int64_t Driver::apply_diff(const std::string &id, int in_fd) {
    require_layer(id);
    // The subvolume already is a writable snapshot of the parent, so a
    // whiteout simply deletes the path (WhiteoutStyle::remove).
    layertar::ApplyOptions options;
    options.whiteouts = layertar::WhiteoutStyle::remove;
    options.id_map = id_map_;
    auto result = layertar_call("apply to layer " + id,
                                [&] { return layertar::apply(in_fd, subvol_path(id), options); });
    return result.bytes;
}

int64_t Driver::diff_size(const std::string &id, const char *parent) const {
    std::string base = diff_parent(id, parent);
    std::string root = subvol_path(id);
    return layertar_call("size of diff of layer " + id, [&] {
        auto changes = layertar::changes_between(root, base);
        return layertar::content_size(root, changes);
    });
}

} // namespace berth::btrfs
