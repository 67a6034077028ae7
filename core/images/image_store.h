// image_store.h — images. An image is its config blob (in the content
// store; its digest is the image ID) plus a record directory at
// <image-root>/imagedb/metadata/sha256/<id-hex>/, dockerd's metadata layout,
// whose presence is what makes the image exist. It is created under
// imagedb/tmp/ and renamed into place after the config blob and every
// layer are in place, and removed first on delete, so a half-pulled or
// half-deleted image is never listed. Files in it:
//   lastUpdated  RFC 3339 time of the last tag (inspect Metadata.LastTagTime)
//   parent       the parent image's ID (images built or committed here)
//   manifests    digests of manifests this image was pulled by, one a line
//                (keeps those blobs from gc; push can reuse them)
#pragma once

#include "images/image_config.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace berth::images {

class ContentStore;
class LayerStore;

struct Image {
    std::string id; // "sha256:<hex>"
    ImageConfig config;
    std::vector<std::string> chain_ids; // one per diff_id, base first
    std::string parent;                 // image ID, "" for none
    std::string last_updated;           // "" for never tagged
    std::vector<std::string> manifests;

    // The chain ID of the whole stack, "" for an image without layers.
    std::string top_chain() const { return chain_ids.empty() ? std::string() : chain_ids.back(); }
};

class ImageStore {
public:
    // image_root: <data-root>/image. Loads every record.
    ImageStore(std::filesystem::path image_root, ContentStore &content, LayerStore &layers);

    // Make an image of a config: checks that its diff_ids are registered as
    // one stack (each chain ID present, in order), stores the blob and
    // commits the record. Idempotent: an existing image is returned as is.
    // parent: the image ID it was built from, "" for none.
    Image create_from_config(std::string_view config_bytes, const std::string &parent = {});

    Image get(const std::string &id) const; // NotFound "No such image: <id>"
    std::optional<Image> find(const std::string &id) const;
    bool has(const std::string &id) const;
    std::vector<Image> list() const; // sorted by ID
    std::string config_bytes(const std::string &id) const;

    // Images whose parent is id.
    std::vector<std::string> children(const std::string &id) const;
    // Every chain ID some image uses (each image's whole stack).
    std::set<std::string> chains_in_use() const;

    // Remove the record, then the config blob. Layers are the caller's
    // business (they may be shared). NotFound when absent.
    void remove(const std::string &id);

    // The one image whose ID starts with prefix (hex, optionally after
    // "sha256:"). NotFound when none does, AmbiguousPrefix when several do.
    std::string resolve_prefix(std::string_view prefix) const;

    void set_parent(const std::string &id, const std::string &parent);
    void set_last_updated(const std::string &id, const std::string &rfc3339);
    void add_manifest(const std::string &id, const std::string &manifest_digest);

private:
    void load();
    std::filesystem::path record_dir(const std::string &id) const;
    std::optional<Image> read_image(const std::string &id) const;
    void write_meta(const std::string &id, const char *file, const std::string &value);

    std::filesystem::path meta_dir_, tmp_dir_;
    ContentStore &content_;
    LayerStore &layers_;
    mutable std::mutex mutex_;
    std::map<std::string, Image> images_;
};

} // namespace berth::images
