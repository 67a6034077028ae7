// image_service.h — the façade the image API routes, pull/push and the
// container code use. It owns the content, layer, image and reference
// stores under <data-root>/image and implements Docker's rules on top:
// name resolution (reference, then full ID, then unique ID prefix), tag,
// rmi with its conflict rules and {"Untagged"}/{"Deleted"} lists, gc, and
// import of a root filesystem tar as a one-layer image.
//
// Locking: pulls, imports and builds hold hold_for_ingest() (shared) while
// they write blobs and layers that no image references yet; gc() takes it
// exclusively, so it never collects their work in progress. An rmi that
// deletes an image waits briefly for it before releasing layers, and
// otherwise leaves them to the next gc(). Lock order: ingest, then the
// operation lock (rmi only ever waits for ingest with a timeout).
#pragma once

#include "images/content_store.h"
#include "images/image_store.h"
#include "images/layer_store.h"
#include "images/platform.h"
#include "images/reference.h"
#include "images/reference_store.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berth::images {

struct ContainerUse {
    std::string id; // full container ID
    bool running = false;
};

// What the image side needs to know about the rest of the daemon. Every
// hook may be empty (no containers yet: nothing is in use, no events).
struct ImageServiceHooks {
    // Containers created from image_id, running or not.
    std::function<std::vector<ContainerUse>(const std::string &image_id)> containers_using;
    // Chain IDs that container layers sit on: kept by rmi and gc even after
    // their image record is gone (rmi -f of an image a stopped container uses).
    std::function<std::set<std::string>()> layers_in_use;
    // /events: action is "tag", "untag", "delete" or "import"; name is the
    // familiar reference involved, or the image ID.
    std::function<void(const std::string &action, const std::string &image_id, const std::string &name)> event;
};

// One line of DELETE /images/{name}: exactly one field is set.
struct DeleteItem {
    std::string untagged; // "busybox:latest"
    std::string deleted;  // "sha256:<image ID or layer chain ID>"
};

struct GcReport {
    std::vector<std::string> layers_removed; // chain IDs
    std::vector<std::string> blobs_removed;  // digests
    int64_t bytes_reclaimed = 0;             // blob bytes plus layer sizes
};

struct ImportOptions {
    std::vector<std::string> cmd; // config.Cmd
    std::vector<std::string> env; // config.Env
    // A whole container config object (JSON text) from `docker import
    // --change`; replaces cmd/env when set.
    std::string config_json;
    std::string comment; // `docker import -m`
    std::string author;
    std::string created_by;           // history entry's created_by
    std::optional<Platform> platform; // default: the host's
    // Keep the tar in the content store so push sends these exact bytes.
    bool keep_tar_blob = true;
    std::optional<Reference> tag; // tag the result ("repo[:tag]")
    ByteProgress progress;
};

class ImageService {
public:
    // Opens (creating) <data_root>/image/<driver name>, runs the layer store's recovery
    // with the driver, and drops references to images that no longer exist.
    ImageService(const std::filesystem::path &data_root, std::shared_ptr<LayerDriver> driver,
                 ImageServiceHooks hooks = {});
    ~ImageService();
    ImageService(const ImageService &) = delete;
    ImageService &operator=(const ImageService &) = delete;

    // <data-root>/image/<storage driver name>: everything below is this
    // service's (blobs, layerdb, imagedb, repositories.json, tmp).
    const std::filesystem::path &root() const { return root_; }

    ContentStore &content() { return *content_; }
    LayerStore &layers() { return *layers_; }
    ImageStore &images() { return *images_; }
    ReferenceStore &references() { return *refs_; }
    const LayerRecovery &recovery() const { return recovery_; }

    // Docker's GetImage: a reference, else a full ID or digest, else a
    // unique ID prefix. InvalidReference for a malformed name (400), else
    // NotFound "No such image: busybox:latest" (404).
    Image resolve(std::string_view name) const;

    // POST /images/{name}/tag: point target (":latest" when bare) at the
    // image source names, moving it from any other image.
    void tag(std::string_view source, std::string_view target);
    void tag_image(const std::string &image_id, const Reference &target);

    // DELETE /images/{name}?force&noprune (prune = !noprune), with dockerd's
    // conflict rules; Conflict errors carry dockerd's messages.
    std::vector<DeleteItem> remove(std::string_view name, bool force, bool prune);

    // Remove layers no image (nor container) uses and blobs nothing refers
    // to: image configs, manifests recorded for images or by digest
    // references, and blobs layers were registered from.
    GcReport gc();

    // `docker import` and the built-in base images: apply an uncompressed
    // tar as a single layer (its diff_id computed while it streams) and make
    // an image with a fresh config. Returns the image ID. On failure no
    // image and no new layer remain.
    std::string import_rootfs(int tar_fd, const ImportOptions &options);

    // Sum of the image's layer sizes (Size in /images/json and inspect).
    int64_t size(const Image &image) const;

    // Held by pulls, imports and builds while their output is unreferenced.
    std::shared_lock<std::shared_timed_mutex> hold_for_ingest();

private:
    struct DeleteConflict {
        bool hard = false;
        bool used = false; // by a container
        std::string message;
    };
    std::optional<DeleteConflict> check_conflict(const std::string &id, unsigned mask) const;
    // may_release: whether layers may be released now (asked only when an
    // image is actually deleted; see remove()).
    void delete_image(const std::string &id, std::vector<DeleteItem> &records, bool force, bool prune, bool quiet,
                      const std::function<bool()> &may_release);
    // Remove blobs nothing refers to; both ingest (exclusive) and op held.
    void sweep_blobs(GcReport &report);
    std::vector<ContainerUse> containers_using(const std::string &id) const;
    std::set<std::string> layers_in_use() const;
    void emit(const std::string &action, const std::string &id, const std::string &name) const;
    DeleteItem untag(const Reference &ref, const std::string &id);

    ImageServiceHooks hooks_;
    std::filesystem::path root_;
    std::unique_ptr<ContentStore> content_;
    std::unique_ptr<LayerStore> layers_;
    std::unique_ptr<ImageStore> images_;
    std::unique_ptr<ReferenceStore> refs_;
    LayerRecovery recovery_;
    std::shared_timed_mutex ingest_mutex_;
    std::mutex op_mutex_; // tag, rmi, gc: each sees one consistent state
};

} // namespace berth::images
