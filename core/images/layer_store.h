// layer_store.h — read-only image layers: one record per chain ID at
// <image-root>/layerdb/sha256/<chain-hex>/ holding
//   diff             the layer's diff_id ("sha256:...")
//   size             bytes of content the driver applied
//   cache-id         the storage driver's id for it (64 random hex)
//   parent           the parent's chain ID (absent for a base layer)
//   descriptor.json  optional: {mediaType, digest, size} of the blob the
//                    layer came from, kept for push
// A record is built in layerdb/tmp/ and renamed into place, so it is there
// completely or not at all.
//
// The store never counts references: which layers are in use follows from
// the image store (and later the containers), and callers pass that set to
// release()/prune().
//
// Crash safety for the storage side: before a storage layer is created (or
// removed) the store writes layerdb/pending/<cache-id>, and deletes it once
// the record is committed (or gone). recover() at start finishes or undoes
// whatever a kill -9 interrupted, so no storage layer outlives its record
// and a failed pull leaves no half-written layer.
#pragma once

#include "images/layer_driver.h"
#include "images/tee_apply.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace berth::images {

class ContentStore;

// The media type of an uncompressed layer tar kept in the content store.
inline constexpr std::string_view kLayerTarMediaType = "application/vnd.oci.image.layer.v1.tar";

struct LayerDescriptor {
    std::string media_type;
    std::string digest; // "sha256:<hex>"
    int64_t size = 0;
    bool operator==(const LayerDescriptor &) const = default;
};

struct LayerRecord {
    std::string chain_id; // "sha256:<hex>"
    std::string diff_id;
    std::string cache_id; // the driver's layer id
    std::string parent;   // parent chain ID, "" for a base layer
    int64_t size = 0;
    std::optional<LayerDescriptor> descriptor;
};

struct RegisterOptions {
    std::string parent_chain; // "" for a base layer; must be registered
    // When set: checked against what was applied (DigestMismatch), and a
    // layer whose chain already exists is returned without reading the
    // stream at all ("Already exists").
    std::string expected_diff_id;
    // Where the layer came from (the compressed blob of a pull).
    std::optional<LayerDescriptor> descriptor;
    // Keep the uncompressed tar in the content store (digest = diff_id) and
    // describe the layer by it, so a later push can send the exact bytes.
    // Needs the store to have a ContentStore.
    bool keep_tar_blob = false;
    // Bytes of the tar read so far. It may throw to cancel (a client that
    // went away): the apply stops and nothing remains, as for any failure.
    ByteProgress progress;
};

struct RegisterResult {
    LayerRecord layer;
    bool existed = false; // the chain was already registered
};

// What a custom apply step reports (register_layer_with).
struct ApplyResult {
    std::string diff_id;
    int64_t size = 0;
    std::optional<LayerDescriptor> descriptor; // used when the options give none
};
using ApplyFn =
    std::function<ApplyResult(LayerDriver &driver, const std::string &cache_id, const std::string &parent_cache_id)>;

struct LayerRecovery {
    size_t temp_dirs_removed = 0;
    std::vector<std::string> storage_layers_removed; // cache ids of orphans
    std::vector<std::string> records_removed;        // chain ids whose release was interrupted
    std::vector<std::string> failures;               // what could not be cleaned (retried next start)
};

class LayerStore {
public:
    // image_root: <data-root>/image. content may be null (no keep_tar_blob).
    LayerStore(std::filesystem::path image_root, std::shared_ptr<LayerDriver> driver, ContentStore *content = nullptr);

    // Run once at start, before anything registers: removes temp dirs and
    // finishes the work named in pending/.
    LayerRecovery recover();

    // Create a storage layer on the parent's, apply the uncompressed tar read
    // from tar_fd to it while hashing it, and commit the record. On any
    // failure the storage layer is removed and no record remains.
    RegisterResult register_layer(int tar_fd, const RegisterOptions &options);
    // The same with a caller-supplied apply step (it must fill cache_id,
    // created empty on parent_cache_id, and report the diff_id).
    RegisterResult register_layer_with(const ApplyFn &apply, const RegisterOptions &options);

    std::optional<LayerRecord> get(const std::string &chain_id) const;
    bool has(const std::string &chain_id) const;
    std::vector<LayerRecord> list() const; // sorted by chain ID
    // Sum of the sizes of chain_id and its ancestors (an image's size).
    int64_t chain_size(const std::string &chain_id) const;
    void set_descriptor(const std::string &chain_id, const LayerDescriptor &descriptor);

    // Remove chain_id, then each ancestor in turn, stopping at the first
    // layer that is in use: named in in_use (or an ancestor of one), a parent
    // of another layer, or the parent of a registration in progress.
    // Returns the removed chain IDs, top first. NotFound for an unknown one.
    std::vector<std::string> release(const std::string &chain_id, const std::set<std::string> &in_use);
    // Remove every layer not in use in that sense, children first.
    std::vector<std::string> prune(const std::set<std::string> &in_use);

    LayerDriver &driver() const { return *driver_; }

    // Called with a storage layer's cache id right before release()/prune()
    // remove that layer (under the store's lock: the hook must not call back
    // into the store). The container service removes the init layer it made
    // on an image's top layer there. An exception from it stops the removal.
    // nullptr unsets it.
    void set_removal_hook(std::function<void(const std::string &cache_id)> hook);

private:
    void load();
    std::optional<LayerRecord> read_record(const std::filesystem::path &dir) const;
    void write_record(const LayerRecord &record);
    std::filesystem::path record_dir(const std::string &chain_id) const;
    std::function<void(const std::string &cache_id)> removal_hook_; // under mutex_
    void journal(const std::string &cache_id, std::string_view action);
    void unjournal(const std::string &cache_id) noexcept;
    // With mutex_ held:
    std::set<std::string> in_use_closure(const std::set<std::string> &in_use) const;
    bool has_children(const std::string &chain_id) const;
    void remove_layer(const std::string &chain_id);
    void unpin(const std::string &chain_id);

    std::filesystem::path root_, records_dir_, tmp_dir_, pending_dir_;
    std::shared_ptr<LayerDriver> driver_;
    ContentStore *content_;
    mutable std::mutex mutex_;
    std::map<std::string, LayerRecord> records_;
    std::map<std::string, int> pinned_; // parents of registrations in progress
};

} // namespace berth::images
