// save_images: Docker 25+'s `docker save` layout, streamed. Layer tars,
// configs and OCI manifests go under blobs/sha256/ as they are produced
// (each blob once, however many images share it); index.json,
// manifest.json, oci-layout and repositories follow, since they describe
// what was written.
#include "images/archive/archive.h"

#include "images/archive/archive_format.h"
#include "images/archive/layer_tar_source.h"
#include "images/archive/save_selection.h"
#include "images/archive/tar_writer.h"
#include "images/archive/temp_space.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/time_format.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace berth::images::archive {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// File times as moby sets them: the image's creation time for its layers
// and config, the epoch for everything else.
int64_t created_seconds(const ImageConfig &config) {
    const auto ns = parse_rfc3339_ns(config.created);
    return ns && *ns > 0 ? *ns / 1000000000 : 0;
}

// Go's ocispec.Descriptor field order.
ordered_json descriptor(std::string_view media_type, const std::string &digest, int64_t size) {
    ordered_json d;
    d["mediaType"] = media_type;
    d["digest"] = digest;
    d["size"] = size;
    return d;
}

ordered_json platform_of(const ImageConfig &config) {
    ordered_json p;
    p["architecture"] = config.architecture;
    p["os"] = config.os;
    if (!config.os_version.empty()) p["os.version"] = config.os_version;
    if (!config.variant.empty()) p["variant"] = config.variant;
    return p;
}

class Saver {
public:
    Saver(ImageService &service, const ByteWriter &out) : service_(service), tar_(out) {}

    void run(const std::vector<SavedImage> &images) {
        scratch_ = scratch_root(service_);
        tar_.add_directory("blobs", 0);
        tar_.add_directory("blobs/sha256", 0);
        std::set<std::string> saved_ids;
        for (const auto &s : images) saved_ids.insert(s.image.id);
        for (const auto &s : images) save_image(s, saved_ids);

        ordered_json index;
        index["schemaVersion"] = 2;
        index["mediaType"] = kOciIndexMediaType;
        index["manifests"] = index_entries_;
        tar_.add_bytes(std::string(kIndexJson), index.dump(), 0);
        // Go's json.Encoder ends its output with a newline.
        tar_.add_bytes(std::string(kManifestJson), manifest_json_.dump() + "\n", 0);
        tar_.add_bytes(std::string(kOciLayoutFile), kOciLayoutContent, 0);
        if (!repositories_.empty()) tar_.add_bytes(std::string(kRepositoriesFile), repositories_.dump() + "\n", 0);
        tar_.finish();
    }

private:
    void save_image(const SavedImage &s, const std::set<std::string> &saved_ids) {
        const Image &img = s.image;
        const int64_t mtime = created_seconds(img.config);
        ordered_json layers = ordered_json::array();
        ordered_json layer_paths = ordered_json::array();
        for (size_t i = 0; i < img.chain_ids.size(); ++i) {
            const std::string &diff_id = img.config.diff_ids[i];
            layers.push_back(descriptor(kOciLayerTarMediaType, diff_id, save_layer(img.chain_ids[i], mtime)));
            layer_paths.push_back(blob_member(diff_id));
        }
        const std::string config = service_.images().config_bytes(img.id);
        add_blob(img.id, config, mtime);

        ordered_json manifest;
        manifest["schemaVersion"] = 2;
        manifest["mediaType"] = kOciManifestMediaType;
        manifest["config"] = descriptor(kOciConfigMediaType, img.id, int64_t(config.size()));
        manifest["layers"] = layers;
        const std::string manifest_bytes = manifest.dump();
        const std::string manifest_digest = sha256_digest(manifest_bytes);
        add_blob(manifest_digest, manifest_bytes, 0);

        ordered_json repo_tags = nullptr; // Go marshals an empty RepoTags as null
        for (const auto &ref : s.tags) {
            ordered_json entry = descriptor(kOciManifestMediaType, manifest_digest, int64_t(manifest_bytes.size()));
            entry["annotations"] = {{std::string(kAnnotationImageName), ref.string()},
                                    {std::string(kAnnotationRefName), ref.tag}};
            entry["platform"] = platform_of(img.config);
            index_entries_.push_back(std::move(entry));
            repo_tags.push_back(ref.familiar_string());
            // "repositories" (pre-1.10 loaders) names the top layer.
            if (!img.config.diff_ids.empty())
                repositories_[ref.familiar_name()][ref.tag] = std::string(digest_hex(img.config.diff_ids.back()));
        }
        if (s.tags.empty()) {
            ordered_json entry = descriptor(kOciManifestMediaType, manifest_digest, int64_t(manifest_bytes.size()));
            entry["platform"] = platform_of(img.config);
            index_entries_.push_back(std::move(entry));
        }

        ordered_json item;
        item["Config"] = blob_member(img.id);
        item["RepoTags"] = repo_tags;
        item["Layers"] = layer_paths;
        // As moby: a parent is recorded only when it is in the archive too.
        if (!img.parent.empty() && saved_ids.count(img.parent)) item["Parent"] = img.parent;
        manifest_json_.push_back(std::move(item));
    }

    // Writes the layer's tar once; returns its size.
    int64_t save_layer(const std::string &chain, int64_t mtime) {
        const auto record = service_.layers().get(chain);
        if (!record) throw InternalError("docker save: layer " + chain + " is missing");
        if (const auto it = layer_sizes_.find(record->diff_id); it != layer_sizes_.end()) return it->second;
        LayerTar source = open_layer_tar(service_, *record, scratch_);
        tar_.add_file(blob_member(record->diff_id), source.fd.get(), source.size, mtime);
        layer_sizes_[record->diff_id] = source.size;
        written_.insert(record->diff_id);
        return source.size;
    }

    void add_blob(const std::string &digest, const std::string &bytes, int64_t mtime) {
        if (!written_.insert(digest).second) return;
        tar_.add_bytes(blob_member(digest), bytes, mtime);
    }

    ImageService &service_;
    TarWriter tar_;
    std::filesystem::path scratch_;
    std::map<std::string, int64_t> layer_sizes_; // diff_id -> tar size
    std::set<std::string> written_;              // digests under blobs/sha256/
    ordered_json index_entries_ = ordered_json::array();
    ordered_json manifest_json_ = ordered_json::array();
    json repositories_ = json::object(); // Go sorts map keys; so does json
};

} // namespace

void save_images(ImageService &service, const std::vector<std::string> &names, const ByteWriter &out) {
    // Resolve everything first: an unknown name must fail before any byte.
    const std::vector<SavedImage> images = select_images(service, names);
    // gc must not take layers or blobs away while they are being written.
    auto hold = service.hold_for_ingest();
    Saver(service, out).run(images);
}

} // namespace berth::images::archive
