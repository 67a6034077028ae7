// puller.h — `docker pull`: resolve a reference at a registry, download the
// config and the layers the store lacks (three at a time by default, each
// resumable), apply them in order while checking every diff_id, then record
// the image, its manifest and the reference. Progress goes out in moby's
// words ("Pulling fs layer" ... "Pull complete", "Already exists").
//
// All or nothing: a pull that fails (bad digest, truncated blob, dropped
// connection past its retries, a client that went away) leaves no new
// image, layer or blob behind. A kill -9 leaves at most partial downloads
// in the content store's ingest area, which the next pull of the same blob
// resumes, and storage layers the layer store's journal removes at start.
//
// One Puller serves the whole daemon: concurrent pulls that need the same
// blob download it once, and the same layer is applied once.
#pragma once

#include "distribution/progress.h"
#include "distribution/registry_access.h"
#include "images/image_service.h"
#include "images/reference.h"
#include "registry/descriptor.h"
#include "registry/manifest.h"
#include "registry/registry_client.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

namespace berth::distribution {

struct PullOptions {
    // Normalised ("docker.io/library/busybox:latest"). Tagged or digested:
    // that one image; name only: every tag of the repository (pull -a).
    images::Reference reference;
    // nullopt: the daemon's own platform, and the config need not say it
    // (a single-platform manifest of another architecture still pulls, as
    // with docker); set: the config must match it.
    std::optional<registry::Platform> platform;
    registry::Credentials credentials;
    int max_concurrent_downloads = 3;
};

struct PulledImage {
    std::string reference;   // familiar: "busybox:latest" or "busybox@sha256:..."
    std::string image_id;    // "sha256:<config digest>"
    std::string digest;      // what the reference resolved to (index or manifest)
    bool was_up_to_date = false;
};

// Told about every blob fetched from a registry, so push can later mount
// it across repositories (digest, registry host, repository path).
using BlobSeenFn = std::function<void(const std::string &digest, const std::string &registry,
                                      const std::string &repository)>;

class Puller {
public:
    Puller(images::ImageService &images, const RegistryAccess &access, BlobSeenFn blob_seen = {});

    // A pull in two steps, so the API can answer "cannot be pulled at all"
    // (unknown tag or repository, auth failure, no matching platform) with
    // a plain error status before its progress stream starts.
    struct Plan;
    // Contacts the registry and resolves every target. Throws.
    std::shared_ptr<Plan> prepare(const PullOptions &options) const;
    // Downloads and records. Throws on failure (after progress was sent).
    std::vector<PulledImage> run(Plan &plan, ProgressSink &progress, std::stop_token stop = {});

    // prepare + run.
    std::vector<PulledImage> pull(const PullOptions &options, ProgressSink &progress, std::stop_token stop = {});

private:
    // What a reference resolved to at the registry.
    struct Resolved {
        std::string repo_digest; // the digest the reference names (index or manifest)
        std::string index_bytes; // "" unless the reference named an index
        registry::FetchedManifest manifest;
        registry::ImageManifest image;
    };
    Resolved resolve(registry::RegistryClient &client, const images::Reference &ref,
                     const PullOptions &options) const;
    PulledImage pull_resolved(registry::RegistryClient &client, const images::Reference &ref, Resolved &resolved,
                              const PullOptions &options, ProgressSink &progress, std::stop_token stop);

    // Downloads one layer blob into the content store unless it is there;
    // waits when another pull is downloading the same digest.
    void download_layer(registry::RegistryClient &client, const std::string &repository,
                        const registry::Descriptor &layer, ProgressSink &progress, std::stop_token stop);
    // Applies a downloaded layer on parent_chain unless the chain exists;
    // one application per chain at a time across pulls.
    void extract_layer(const registry::Descriptor &layer, const std::string &diff_id,
                       const std::string &parent_chain, ProgressSink &progress);

    // Cross-pull exclusion by key (a blob digest or a chain ID).
    class KeyedGate {
    public:
        // Holds key from construction to destruction (waits while another
        // holder has it).
        class Hold {
        public:
            Hold(KeyedGate &gate, std::string key) : gate_(gate), key_(std::move(key)) { gate_.enter(key_); }
            ~Hold() { gate_.leave(key_); }
            Hold(const Hold &) = delete;
            Hold &operator=(const Hold &) = delete;

        private:
            KeyedGate &gate_;
            std::string key_;
        };

    private:
        void enter(const std::string &key);
        void leave(const std::string &key);
        std::mutex mutex_;
        std::condition_variable changed_;
        std::set<std::string> busy_;
    };

    images::ImageService &images_;
    const RegistryAccess &access_;
    BlobSeenFn blob_seen_;
    KeyedGate downloads_;
    KeyedGate extractions_;
};

struct Puller::Plan {
    PullOptions options;
    std::unique_ptr<registry::RegistryClient> client;
    std::vector<std::pair<images::Reference, Resolved>> targets;
};

} // namespace berth::distribution
