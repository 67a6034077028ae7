#include "images/archive/load_plan.h"

#include "images/archive/archive_format.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/platform.h"
#include "registry/manifest.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace berth::images::archive {
namespace {

using nlohmann::json;

constexpr int kMaxIndexDepth = 4;

json parse_json(const std::string &bytes, const std::string &what) {
    try {
        return json::parse(bytes);
    } catch (const json::exception &e) {
        throw InvalidArgument("invalid archive: " + what + " is not valid JSON: " + e.what());
    }
}

std::string require_member(const ExtractedArchive &archive, const std::string &path, const std::string &origin) {
    const auto member = archive.find(path, origin + " path");
    if (!member) throw InvalidArgument("invalid archive: " + origin + " names \"" + path + "\", which is not in the archive");
    return *member;
}

Reference parse_tag(const std::string &repo_tag) {
    Reference ref;
    try {
        ref = parse_normalized_named(repo_tag);
    } catch (const InvalidReference &) {
        throw InvalidArgument("invalid tag \"" + repo_tag + "\"");
    }
    if (!ref.tagged() || ref.digested()) throw InvalidArgument("invalid tag \"" + repo_tag + "\"");
    return ref;
}

// Fill config fields of an item from its config member and check it.
void read_config(const ExtractedArchive &archive, const std::string &member, LoadItem &item) {
    item.config_bytes = archive.read(member);
    try {
        item.config = parse_image_config(item.config_bytes);
    } catch (const InvalidArgument &e) {
        throw InvalidArgument("invalid archive: config \"" + member + "\": " + e.what());
    }
    if (!item.config.os.empty() && item.config.os != "linux")
        throw InvalidArgument("cannot load " + item.config.os + " image on linux");
    item.image_id = sha256_digest(item.config_bytes);
}

void check_layer_count(const LoadItem &item, size_t listed) {
    if (listed != item.config.diff_ids.size())
        throw InvalidArgument("invalid manifest, layers length mismatch: expected " + std::to_string(listed) +
                              ", got " + std::to_string(item.config.diff_ids.size()));
}

void merge(std::vector<LoadItem> &items, LoadItem item) {
    auto it = std::find_if(items.begin(), items.end(), [&](const LoadItem &i) { return i.image_id == item.image_id; });
    if (it == items.end()) {
        items.push_back(std::move(item));
        return;
    }
    for (auto &t : item.tags)
        if (std::find(it->tags.begin(), it->tags.end(), t) == it->tags.end()) it->tags.push_back(std::move(t));
    if (it->parent.empty()) it->parent = item.parent;
}

std::vector<LoadItem> plan_from_manifest_json(const ExtractedArchive &archive, const std::string &member) {
    const json doc = parse_json(archive.read(member), "manifest.json");
    if (doc.is_null()) throw InvalidArgument("invalid manifest, manifest cannot be null (but can be [])");
    if (!doc.is_array()) throw InvalidArgument("invalid archive: manifest.json is not a list of images");
    std::vector<LoadItem> items;
    for (const auto &entry : doc) {
        if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string())
            throw InvalidArgument("invalid archive: a manifest.json entry has no \"Config\"");
        LoadItem item;
        read_config(archive, require_member(archive, entry["Config"].get<std::string>(), "manifest.json"), item);
        const json layers = entry.value("Layers", json::array());
        if (!layers.is_array()) throw InvalidArgument("invalid archive: manifest.json \"Layers\" is not a list");
        check_layer_count(item, layers.size());
        for (const auto &l : layers) {
            if (!l.is_string()) throw InvalidArgument("invalid archive: manifest.json \"Layers\" holds a non-string");
            item.layer_members.push_back(require_member(archive, l.get<std::string>(), "manifest.json"));
        }
        if (const auto tags = entry.find("RepoTags"); tags != entry.end() && !tags->is_null()) {
            if (!tags->is_array()) throw InvalidArgument("invalid archive: manifest.json \"RepoTags\" is not a list");
            for (const auto &t : *tags) {
                if (!t.is_string()) throw InvalidArgument("invalid archive: manifest.json \"RepoTags\" holds a non-string");
                item.tags.push_back(parse_tag(t.get<std::string>()));
            }
        }
        if (const auto parent = entry.find("Parent"); parent != entry.end() && parent->is_string()) {
            const std::string p = parent->get<std::string>();
            if (!p.empty() && is_sha256_digest(p)) item.parent = p;
        }
        merge(items, std::move(item));
    }
    return items;
}

std::string blob_of(const ExtractedArchive &archive, const std::string &digest, const std::string &what) {
    if (!is_sha256_digest(digest)) throw InvalidArgument("invalid archive: " + what + " has digest \"" + digest + "\"");
    return require_member(archive, blob_member(digest), what);
}

// The tag an index entry gives its image: containerd's full name, else an
// OCI ref name that is a whole name:tag (a bare "latest" names no
// repository, so the image loads untagged).
std::optional<Reference> tag_of(const registry::Descriptor &d) {
    for (const auto key : {kAnnotationImageName, kAnnotationRefName}) {
        const auto it = d.annotations.find(std::string(key));
        if (it == d.annotations.end()) continue;
        try {
            Reference ref = parse_normalized_named(it->second);
            if (ref.tagged() && !ref.digested()) return ref;
            if (key == kAnnotationImageName && ref.name_only()) return ref.tag_name_only();
        } catch (const InvalidReference &) {
        }
    }
    return std::nullopt;
}

void plan_descriptor(const ExtractedArchive &archive, const registry::Descriptor &d, const std::optional<Reference> &tag,
                     int depth, std::vector<LoadItem> &items) {
    if (depth > kMaxIndexDepth) throw InvalidArgument("invalid archive: index.json nests indexes too deeply");
    const std::string member = blob_of(archive, d.digest, "index.json entry");
    const std::string bytes = archive.read(member);
    if (sha256_digest(bytes) != d.digest)
        throw InvalidArgument("invalid archive: blob " + d.digest + " does not match its digest");
    std::string media_type;
    try {
        media_type = registry::detect_manifest_media_type(d.media_type, bytes);
        if (registry::manifest_kind(media_type) == registry::ManifestKind::Index) {
            registry::ManifestIndex index = registry::parse_manifest_index(bytes, media_type);
            // Only platforms whose manifests the archive actually holds.
            std::erase_if(index.manifests, [&](const registry::Descriptor &m) {
                return !is_sha256_digest(m.digest) || !archive.has(blob_member(m.digest));
            });
            const auto pick = registry::select_manifest(index, host_platform());
            if (!pick)
                throw InvalidArgument("no matching manifest for " + platform_string(host_platform()) +
                                      " in the archive's index " + d.digest);
            plan_descriptor(archive, index.manifests[*pick], tag, depth + 1, items);
            return;
        }
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        throw InvalidArgument("invalid archive: manifest " + d.digest + ": " + e.what());
    }
    registry::ImageManifest manifest;
    try {
        manifest = registry::parse_image_manifest(bytes, media_type);
    } catch (const std::exception &e) {
        throw InvalidArgument("invalid archive: manifest " + d.digest + ": " + e.what());
    }
    LoadItem item;
    read_config(archive, blob_of(archive, manifest.config.digest, "manifest " + d.digest + " config"), item);
    if (item.image_id != manifest.config.digest)
        throw InvalidArgument("invalid archive: config " + manifest.config.digest + " does not match its digest");
    check_layer_count(item, manifest.layers.size());
    for (const auto &layer : manifest.layers)
        item.layer_members.push_back(blob_of(archive, layer.digest, "manifest " + d.digest + " layer"));
    if (tag) item.tags.push_back(*tag);
    merge(items, std::move(item));
}

std::vector<LoadItem> plan_from_index(const ExtractedArchive &archive, const std::string &member) {
    const std::string bytes = archive.read(member);
    registry::ManifestIndex index;
    try {
        index = registry::parse_manifest_index(bytes, registry::detect_manifest_media_type("", bytes));
    } catch (const std::exception &e) {
        throw InvalidArgument(std::string("invalid archive: index.json: ") + e.what());
    }
    std::vector<LoadItem> items;
    for (const auto &d : index.manifests) plan_descriptor(archive, d, tag_of(d), 0, items);
    return items;
}

} // namespace

std::vector<LoadItem> plan_load(const ExtractedArchive &archive) {
    if (const auto m = archive.find(kManifestJson)) return plan_from_manifest_json(archive, *m);
    if (const auto i = archive.find(kIndexJson)) return plan_from_index(archive, *i);
    throw InvalidArgument("invalid archive: it has neither manifest.json nor index.json (not a docker save or OCI "
                          "image archive)");
}

} // namespace berth::images::archive
