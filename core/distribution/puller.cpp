#include "distribution/puller.h"

#include "distribution/pull_downloads.h"
#include "images/errors.h"
#include "images/image_config.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/platform.h"

#include <spdlog/spdlog.h>

namespace berth::distribution {

namespace {
constexpr size_t kWriteChunk = 1 << 20;
}

using images::Reference;

Puller::Puller(images::ImageService &images, const RegistryAccess &access, BlobSeenFn blob_seen)
    : images_(images), access_(access), blob_seen_(std::move(blob_seen)) {}

void Puller::KeyedGate::enter(const std::string &key) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !busy_.count(key); });
    busy_.insert(key);
}

void Puller::KeyedGate::leave(const std::string &key) {
    {
        std::lock_guard lock(mutex_);
        busy_.erase(key);
    }
    changed_.notify_all();
}

Puller::Resolved Puller::resolve(registry::RegistryClient &client, const Reference &ref,
                                 const PullOptions &options) const {
    const std::string wanted_ref = ref.digested() ? ref.digest : ref.tag;
    Resolved r;
    auto top = client.get_manifest(ref.path, wanted_ref);
    r.repo_digest = top.digest;
    const auto kind = registry::manifest_kind(top.media_type);
    if (kind == registry::ManifestKind::Index) {
        const auto index = registry::parse_manifest_index(top.bytes, top.media_type);
        const auto wanted = options.platform.value_or(registry::default_platform());
        const auto pick = registry::select_manifest(index, wanted);
        if (!pick) throw images::NotFound(registry::no_matching_manifest_message(wanted));
        r.index_bytes = std::move(top.bytes);
        r.manifest = client.get_manifest(ref.path, index.manifests[*pick].digest);
        if (registry::manifest_kind(r.manifest.media_type) != registry::ManifestKind::Image)
            throw registry::RegistryError(registry::ErrorCategory::Corrupt,
                                          "manifest " + r.manifest.digest + " listed in index " + r.repo_digest +
                                              " is not an image manifest (" + r.manifest.media_type + ")");
    } else {
        r.manifest = std::move(top);
    }
    r.image = registry::parse_image_manifest(r.manifest.bytes, r.manifest.media_type);
    return r;
}

namespace {

// The config says which platform the image is for; an explicit --platform
// must agree (moby: "image with reference X was found but does not match
// the specified platform").
void check_platform(const images::ImageConfig &config, const PullOptions &options, const Reference &ref) {
    if (!options.platform) return;
    registry::Platform have;
    have.os = config.os;
    have.architecture = config.architecture;
    have.variant = config.variant;
    if (!registry::platform_matches(*options.platform, have))
        throw images::NotFound("image with reference " + ref.familiar_string() +
                               " was found but does not match the specified platform: wanted " +
                               registry::format_platform(*options.platform) + ", actual: " +
                               registry::format_platform(registry::normalize_platform(have)));
}

// name@digest -> image, unless that digest already names another image:
// an index digest maps to one image per platform, and pulling a second
// platform of the same tag must not fail. moby (addDigestReference) logs
// and keeps the first mapping the same way.
void add_digest_reference(images::ReferenceStore &refs, const Reference &digested, const std::string &image_id) {
    if (const auto old = refs.get(digested); old && *old != image_id) {
        spdlog::warn("image ID for digest {} changed from {} to {}, cannot update", digested.digest, *old, image_id);
        return;
    }
    refs.add_digest(digested, image_id);
}

// A reference's display form in status lines: "busybox:latest",
// "busybox@sha256:...".
std::string shown(const Reference &ref) { return ref.familiar_string(); }

} // namespace

PulledImage Puller::pull_resolved(registry::RegistryClient &client, const Reference &ref, Resolved &resolved,
                                  const PullOptions &options, ProgressSink &progress, std::stop_token stop) {
    const std::string repository = ref.path;
    auto ingest = images_.hold_for_ingest();

    // The config first: it names the diff_ids every layer must produce.
    const std::string config_bytes = client.fetch_blob_bytes(repository, resolved.image.config, "config");
    const auto config = images::parse_image_config(config_bytes);
    check_platform(config, options, ref);
    const auto &layers = resolved.image.layers;
    if (config.diff_ids.size() != layers.size())
        throw registry::RegistryError(registry::ErrorCategory::Corrupt,
                                      "manifest " + resolved.manifest.digest + " lists " +
                                          std::to_string(layers.size()) + " layers but its config has " +
                                          std::to_string(config.diff_ids.size()) + " diff_ids");
    const auto chains = images::chain_ids(config.diff_ids);
    const std::string image_id = images::sha256_digest(config_bytes);
    const auto previous = images_.references().get(ref.docker_ref());

    // Which layers the store lacks, announced in moby's order.
    std::vector<bool> needed(layers.size(), false);
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string id = short_id(layers[i].digest);
        if (images_.layers().has(chains[i])) {
            progress.status(id, "Already exists");
        } else {
            needed[i] = true;
            progress.status(id, "Pulling fs layer");
        }
    }

    std::stop_source cancel;
    std::stop_callback forward(stop, [&] { cancel.request_stop(); });
    try {
        DownloadQueue downloads(options.max_concurrent_downloads, cancel.get_token());
        for (size_t i = 0; i < layers.size(); ++i) {
            if (!needed[i]) continue;
            const auto layer = layers[i];
            downloads.add(
                layer.digest,
                [this, &client, repository, layer, &progress](std::stop_token s) {
                    download_layer(client, repository, layer, progress, s);
                },
                [&progress, &layer] { progress.status(short_id(layer.digest), "Waiting"); });
        }
        for (size_t i = 0; i < layers.size(); ++i) {
            if (!needed[i]) continue;
            downloads.wait(layers[i].digest); // rethrows that download's failure
            if (blob_seen_) blob_seen_(layers[i].digest, ref.domain, repository);
            const std::string parent = i == 0 ? std::string() : chains[i - 1];
            extract_layer(layers[i], config.diff_ids[i], parent, progress);
        }

        // Record the image: config, manifest (and index) kept so push and
        // save can reproduce what was pulled byte for byte.
        images_.content().put(resolved.manifest.bytes, resolved.manifest.digest);
        if (!resolved.index_bytes.empty()) images_.content().put(resolved.index_bytes, resolved.repo_digest);
        const auto image = images_.images().create_from_config(config_bytes);
        images_.images().add_manifest(image.id, resolved.manifest.digest);
        add_digest_reference(images_.references(), ref.trimmed().with_digest(resolved.repo_digest), image.id);
        if (!ref.digested()) images_.tag_image(image.id, ref);
    } catch (...) {
        cancel.request_stop();
        ingest.unlock();
        // Layers this pull added and no image uses go again, and with them
        // their blobs: gc() sees exactly what is unreferenced (and waits for
        // other pulls and builds, whose work in progress it must not take).
        try {
            images_.gc();
        } catch (const std::exception &e) {
            spdlog::warn("cleaning up after a failed pull of {}: {}", ref.string(), e.what());
        }
        throw;
    }

    progress.status("", "Digest: " + resolved.repo_digest);
    PulledImage out;
    out.reference = shown(ref);
    out.image_id = image_id;
    out.digest = resolved.repo_digest;
    out.was_up_to_date = previous && *previous == image_id;
    return out;
}

void Puller::download_layer(registry::RegistryClient &client, const std::string &repository,
                            const registry::Descriptor &layer, ProgressSink &progress, std::stop_token stop) {
    const std::string id = short_id(layer.digest);
    KeyedGate::Hold hold(downloads_, layer.digest);
    if (images_.content().has(layer.digest)) {
        progress.status(id, "Download complete");
        return;
    }
    // Keyed by digest: a download cut short by kill -9 resumes next time.
    auto writer = images_.content().writer(layer.digest);
    try {
        registry::BlobFetchOptions fetch;
        fetch.offset = writer->resume_offset();
        fetch.size = static_cast<uint64_t>(layer.size);
        fetch.stop = stop;
        ProgressThrottle throttle;
        fetch.progress = [&](uint64_t done, uint64_t total) {
            if (throttle.due(int64_t(done), int64_t(total)))
                progress.bytes(id, "Downloading", static_cast<int64_t>(done), static_cast<int64_t>(total));
        };
        // The HTTP library hands over 4 KiB at a time: gather a megabyte
        // per write (and hash update) into the content store.
        std::string pending;
        pending.reserve(kWriteChunk);
        client.fetch_blob(
            repository, layer.digest,
            [&](std::string_view bytes) {
                pending.append(bytes);
                if (pending.size() >= kWriteChunk) {
                    writer->write(pending);
                    pending.clear();
                }
            },
            fetch);
        writer->write(pending);
        progress.status(id, "Verifying Checksum");
        try {
            writer->commit(layer.digest, layer.size);
        } catch (const images::DigestMismatch &e) {
            throw registry::RegistryError(registry::ErrorCategory::Corrupt,
                                          "layer " + layer.digest + " failed verification: " + e.what());
        }
    } catch (...) {
        // A failed download leaves nothing (a kill -9 is the only way a
        // partial file survives, and the next pull resumes it).
        writer->abort();
        throw;
    }
    progress.status(id, "Download complete");
}

} // namespace berth::distribution
