#include "api/image_json.h"

#include "images/time_format.h"

#include <nlohmann/json.hpp>

namespace berth::api {

using nlohmann::ordered_json;

namespace {

std::vector<std::string> tags_of(const std::vector<images::Reference> &refs) {
    std::vector<std::string> out;
    for (const auto &ref : refs)
        if (ref.tagged() && !ref.digested()) out.push_back(ref.familiar_string());
    return out;
}

std::vector<std::string> digests_of(const std::vector<images::Reference> &refs) {
    std::vector<std::string> out;
    for (const auto &ref : refs)
        if (ref.digested()) out.push_back(ref.trimmed().familiar_name() + "@" + ref.digest);
    return out;
}

} // namespace

std::vector<std::string> repo_tags(images::ImageService &service, const std::string &image_id) {
    return tags_of(service.references().references_of(image_id));
}

std::vector<std::string> repo_digests(images::ImageService &service, const std::string &image_id) {
    return digests_of(service.references().references_of(image_id));
}

int64_t unix_seconds(const std::string &rfc3339) {
    const auto ns = images::parse_rfc3339_ns(rfc3339);
    return ns ? *ns / 1000000000 : 0;
}

namespace {

ordered_json container_config(const images::Image &image) {
    auto cfg = ordered_json::parse(image.config.config_json.empty() ? "{}" : image.config.config_json, nullptr, false);
    return cfg.is_discarded() ? ordered_json::object() : cfg;
}

ordered_json labels_of(const ordered_json &cfg) {
    auto it = cfg.find("Labels");
    return it != cfg.end() && it->is_object() ? *it : ordered_json::object();
}

} // namespace

std::string image_summary_json(images::ImageService &service, const images::Image &image,
                               const std::vector<images::Reference> &refs) {
    const int64_t size = service.size(image);
    ordered_json j;
    j["Containers"] = -1;
    j["Created"] = unix_seconds(image.config.created);
    j["Id"] = image.id;
    j["Labels"] = labels_of(container_config(image));
    j["ParentId"] = image.parent;
    j["RepoDigests"] = digests_of(refs);
    j["RepoTags"] = tags_of(refs);
    j["SharedSize"] = -1;
    j["Size"] = size;
    j["VirtualSize"] = size;
    return j.dump();
}

std::string image_inspect_json(images::ImageService &service, const images::Image &image) {
    const int64_t size = service.size(image);
    const auto &c = image.config;
    ordered_json j;
    j["Id"] = image.id;
    j["RepoTags"] = repo_tags(service, image.id);
    j["RepoDigests"] = repo_digests(service, image.id);
    j["Parent"] = image.parent;
    j["Comment"] = c.comment;
    j["Created"] = c.created;
    j["DockerVersion"] = c.docker_version;
    j["Author"] = c.author;
    j["Config"] = container_config(image);
    j["Architecture"] = c.architecture;
    if (!c.variant.empty()) j["Variant"] = c.variant;
    j["Os"] = c.os;
    if (!c.os_version.empty()) j["OsVersion"] = c.os_version;
    j["Size"] = size;
    j["VirtualSize"] = size;
    ordered_json data = ordered_json::object();
    const auto top = image.top_chain();
    if (!top.empty()) {
        if (auto rec = service.layers().get(top)) {
            try {
                auto meta = ordered_json::parse(service.layers().driver().metadata_json(rec->cache_id));
                if (meta.is_object()) data = meta;
            } catch (const std::exception &) {
                // Drivers without metadata leave Data empty, as dockerd does.
            }
        }
    }
    j["GraphDriver"] = {{"Data", data}, {"Name", service.layers().driver().name()}};
    j["RootFS"] = {{"Type", c.rootfs_type.empty() ? "layers" : c.rootfs_type}, {"Layers", c.diff_ids}};
    ordered_json meta = ordered_json::object();
    meta["LastTagTime"] = image.last_updated.empty() ? "0001-01-01T00:00:00Z" : image.last_updated;
    j["Metadata"] = meta;
    return j.dump();
}

std::string image_history_json(images::ImageService &service, const images::Image &image) {
    const auto &c = image.config;
    // Non-empty history entries pair up in order with the layers.
    std::vector<int64_t> sizes;
    for (const auto &chain : image.chain_ids) {
        auto rec = service.layers().get(chain);
        sizes.push_back(rec ? rec->size : 0);
    }
    ordered_json rows = ordered_json::array();
    size_t layer = 0;
    std::vector<ordered_json> oldest_first;
    for (const auto &h : c.history) {
        ordered_json row;
        row["Comment"] = h.comment;
        row["Created"] = unix_seconds(h.created);
        row["CreatedBy"] = h.created_by;
        row["Id"] = "<missing>";
        row["Size"] = h.empty_layer ? 0 : (layer < sizes.size() ? sizes[layer] : 0);
        row["Tags"] = nullptr;
        if (!h.empty_layer) ++layer;
        oldest_first.push_back(std::move(row));
    }
    if (oldest_first.empty()) {
        // An image without history still has one row, as dockerd shows it.
        ordered_json row;
        row["Comment"] = "";
        row["Created"] = unix_seconds(c.created);
        row["CreatedBy"] = "";
        row["Id"] = "<missing>";
        row["Size"] = service.size(image);
        row["Tags"] = nullptr;
        oldest_first.push_back(std::move(row));
    }
    oldest_first.back()["Id"] = image.id;
    const auto tags = repo_tags(service, image.id);
    if (!tags.empty()) oldest_first.back()["Tags"] = tags;
    for (auto it = oldest_first.rbegin(); it != oldest_first.rend(); ++it) rows.push_back(*it);
    return rows.dump();
}

} // namespace berth::api
