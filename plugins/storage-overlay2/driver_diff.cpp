// driver_diff.cpp — diff, changes, diff_size and apply_diff.
//
// The native path reads a layer's changes straight from its diff dir (the
// overlay upper): whiteout devices are deletions, opaque xattrs are opaque
// dirs. It is only right against the layer's real parent chain and when the
// kernel keeps the upper dir a plain diff (probe.hpp); otherwise we fall
// back, like dockerd's naiveDiff, to mounting both trees and comparing them.
#include "driver.hpp"

#include "errors.hpp"

#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

namespace berth::overlay2 {

namespace fs = std::filesystem;

class Driver::ChangeSet {
public:
    explicit ChangeSet(Driver &driver) : driver_(driver) {}
    ChangeSet(const ChangeSet &) = delete;
    ChangeSet &operator=(const ChangeSet &) = delete;
    ~ChangeSet() {
        for (const auto &id : held) {
            try {
                driver_.put(id);
            } catch (const std::exception &e) {
                sdk::log(driver_.host_, BERTH_LOG_WARN,
                         "overlay2: put " + id + " after a naive diff failed: " + unprefixed(e.what()));
            }
        }
    }

    fs::path root;                          // where the changed files are read from
    std::vector<layertar::Change> changes;
    std::vector<std::string> held;          // ids we took a get() on

private:
    Driver &driver_;
};

void Driver::collect_changes(const std::string &id, const char *parent, ChangeSet &out) {
    layout_.require(id);
    const std::string own_parent = layout_.parent(id);
    const std::string against = parent == nullptr ? own_parent : std::string(parent);
    if (!against.empty() && against != own_parent) layout_.require(against);

    if (against == own_parent && features_.native_diff) {
        out.root = layout_.diff_dir(id);
        out.changes = layertar::changes_overlay(out.root, layout_.lower_diff_dirs(id));
        return;
    }
    out.root = get(id, nullptr);
    out.held.push_back(id);
    fs::path base;
    if (!against.empty()) {
        base = get(against, nullptr);
        out.held.push_back(against);
    }
    out.changes = layertar::changes_between(out.root, base);
}

void Driver::diff(const std::string &id, const char *parent, int out_fd) {
    ChangeSet set(*this);
    collect_changes(id, parent, set);
    // Layers hold host ids under an id map; a tar carries the container's.
    layertar::WriteOptions options;
    options.id_map = options_.id_map;
    layertar::write_tar(out_fd, set.root, set.changes, options);
}

std::string Driver::changes_json(const std::string &id, const char *parent) {
    ChangeSet set(*this);
    collect_changes(id, parent, set);
    nlohmann::json out = nlohmann::json::array();
    for (const auto &c : set.changes) out.push_back({{"Path", c.path}, {"Kind", static_cast<int>(c.kind)}});
    return out.dump();
}

int64_t Driver::diff_size(const std::string &id, const char *parent) {
    ChangeSet set(*this);
    collect_changes(id, parent, set);
    return layertar::content_size(set.root, set.changes);
}

int64_t Driver::apply_diff(const std::string &id, const char *parent, int in_fd) {
    Layout::require_valid_id(id, "layer");
    // Hold the layer's lock: no get/put/remove of it while it is filled.
    auto guard = locks_.lock(id);
    layout_.require(id);
    if (parent != nullptr && *parent != '\0') {
        const std::string own_parent = layout_.parent(id);
        if (own_parent != parent)
            fail(BERTH_E_INVAL, "apply_diff: layer " + id + " was created on " +
                                    (own_parent.empty() ? std::string("no parent") : "parent " + own_parent) +
                                    ", not on " + parent);
    }
    layertar::ApplyOptions options;
    options.whiteouts = layertar::WhiteoutStyle::overlay;
    options.id_map = options_.id_map;
    try {
        return layertar::apply(in_fd, layout_.diff_dir(id), options).bytes;
    } catch (const layertar::LayerError &e) {
        throw sdk::error(e.code(), prefixed("apply_diff to layer " + id + ": " + e.what()));
    }
}

} // namespace berth::overlay2
