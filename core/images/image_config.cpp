#include "images/image_config.h"

#include "images/digest.h"
#include "images/errors.h"

#include <nlohmann/json.hpp>

namespace berth::images {
namespace {

using json = nlohmann::json;

std::string str_field(const json &obj, const char *key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) throw InvalidArgument(std::string("image config: ") + key + " must be a string");
    return it->get<std::string>();
}

} // namespace

ImageConfig parse_image_config(std::string_view bytes) {
    const json j = json::parse(bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw InvalidArgument("image config: not a JSON object");
    ImageConfig c;
    c.architecture = str_field(j, "architecture");
    c.os = str_field(j, "os");
    c.variant = str_field(j, "variant");
    c.os_version = str_field(j, "os.version");
    c.created = str_field(j, "created");
    c.author = str_field(j, "author");
    c.comment = str_field(j, "comment");
    c.docker_version = str_field(j, "docker_version");
    if (auto it = j.find("config"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) throw InvalidArgument("image config: config must be an object");
        c.config_json = it->dump();
    }
    const auto rootfs = j.find("rootfs");
    if (rootfs == j.end() || !rootfs->is_object()) throw InvalidArgument("image config: rootfs is missing");
    c.rootfs_type = str_field(*rootfs, "type");
    if (c.rootfs_type != "layers") throw InvalidArgument("image config: rootfs.type must be \"layers\"");
    if (auto ids = rootfs->find("diff_ids"); ids != rootfs->end() && !ids->is_null()) {
        if (!ids->is_array()) throw InvalidArgument("image config: rootfs.diff_ids must be an array");
        for (size_t i = 0; i < ids->size(); ++i) {
            const auto &d = (*ids)[i];
            if (!d.is_string())
                throw InvalidArgument("image config: rootfs.diff_ids[" + std::to_string(i) + "] must be a string");
            try {
                require_sha256_digest(d.get<std::string>());
            } catch (const InvalidArgument &e) {
                throw InvalidArgument("image config: rootfs.diff_ids[" + std::to_string(i) + "]: " + e.what());
            }
            c.diff_ids.push_back(d.get<std::string>());
        }
    }
    if (auto hist = j.find("history"); hist != j.end() && !hist->is_null()) {
        if (!hist->is_array()) throw InvalidArgument("image config: history must be an array");
        for (const auto &h : *hist) {
            if (!h.is_object()) throw InvalidArgument("image config: history entries must be objects");
            HistoryEntry e;
            e.created = str_field(h, "created");
            e.created_by = str_field(h, "created_by");
            e.author = str_field(h, "author");
            e.comment = str_field(h, "comment");
            if (auto el = h.find("empty_layer"); el != h.end() && el->is_boolean()) e.empty_layer = el->get<bool>();
            c.history.push_back(std::move(e));
        }
    }
    return c;
}

std::string serialize_image_config(const ImageConfig &c) {
    json j = json::object();
    auto put = [&j](const char *key, const std::string &v) {
        if (!v.empty()) j[key] = v;
    };
    put("architecture", c.architecture);
    put("os", c.os);
    put("variant", c.variant);
    put("os.version", c.os_version);
    put("created", c.created);
    put("author", c.author);
    put("comment", c.comment);
    put("docker_version", c.docker_version);
    json cfg = json::parse(c.config_json.empty() ? "{}" : c.config_json, nullptr, false);
    if (cfg.is_discarded() || !cfg.is_object()) throw InvalidArgument("image config: config must be a JSON object");
    j["config"] = std::move(cfg);
    j["rootfs"] = {{"type", c.rootfs_type.empty() ? std::string("layers") : c.rootfs_type}, {"diff_ids", c.diff_ids}};
    json hist = json::array();
    for (const auto &h : c.history) {
        json e = json::object();
        if (!h.created.empty()) e["created"] = h.created;
        if (!h.created_by.empty()) e["created_by"] = h.created_by;
        if (!h.author.empty()) e["author"] = h.author;
        if (!h.comment.empty()) e["comment"] = h.comment;
        if (h.empty_layer) e["empty_layer"] = true;
        hist.push_back(std::move(e));
    }
    j["history"] = std::move(hist);
    return j.dump();
}

} // namespace berth::images
