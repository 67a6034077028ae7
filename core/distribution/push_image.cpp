// The push as a whole: checks made before anything is sent, then one
// registry session that pushes each tag (layers, config, manifest) and
// records the result locally.
#include "distribution/pusher.h"

#include "distribution/push_canceled.h"
#include "distribution/push_layer_upload.h"
#include "distribution/push_manifest.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/reference.h"
#include "registry/blob_source.h"

#include <nlohmann/json.hpp>

#include <set>
#include <utility>

namespace berth::distribution {
namespace {

struct TagToPush {
    images::Reference ref; // name:tag
    std::string image_id;
};

// moby's checks and messages (distribution/push.go, push_v2.go).
std::vector<TagToPush> tags_to_push(images::ImageService &service, const images::Reference &name,
                                    const std::optional<std::string> &tag) {
    std::vector<TagToPush> all;
    bool any_reference = false;
    for (const auto &[ref, id] : service.references().list()) {
        if (ref.name() != name.name()) continue;
        any_reference = true;
        if (ref.tagged() && !ref.digested()) all.push_back({ref, id});
    }
    if (!any_reference)
        throw images::NotFound("An image does not exist locally with the tag: " + name.familiar_name());
    if (tag) {
        const auto ref = name.with_tag(*tag);
        for (auto &t : all)
            if (t.ref.tag == *tag) return {std::move(t)};
        throw images::NotFound("tag does not exist: " + ref.familiar_string());
    }
    if (all.empty()) throw images::NotFound("no tags to push for " + name.familiar_name());
    return all;
}

class TagPusher {
public:
    TagPusher(images::ImageService &service, registry::RegistryClient &client, BlobSourceIndex &index,
              const images::Reference &name, ProgressSink &sink, std::stop_token stop)
        : service_(service), client_(client), index_(index), name_(name), sink_(sink), stop_(std::move(stop)) {}

    PushedTag push(const TagToPush &target) {
        const auto image = service_.images().get(target.image_id);
        const auto config = service_.images().config_bytes(image.id);
        const auto recorded = recorded_manifest(service_, image);

        // Top layer first, as moby lists them; a diff_id that occurs twice is
        // one blob and one progress line.
        std::vector<LayerUpload> uploads;
        std::vector<size_t> upload_of(image.chain_ids.size());
        std::set<std::string> seen;
        for (size_t i = image.chain_ids.size(); i-- > 0;) {
            const auto &diff_id = image.config.diff_ids.at(i);
            if (!seen.insert(diff_id).second) continue;
            LayerUpload u{diff_id, image.chain_ids[i], std::nullopt};
            if (recorded) u.blob = recorded->layers[i];
            uploads.push_back(std::move(u));
        }
        const UploadTarget upload_target{client_, name_.domain, name_.path};
        const auto blobs = upload_layers(service_, upload_target, index_, uploads, sink_, stop_);

        if (stop_.stop_requested()) throw_canceled();
        if (!client_.blob_exists(name_.path, image.id)) {
            registry::BlobPushOptions options;
            options.stop = stop_;
            client_.push_blob(name_.path, image.id, registry::BlobSource::from_bytes(config), options);
        }

        PushManifest manifest;
        if (recorded) {
            manifest = *recorded;
        } else {
            std::vector<registry::Descriptor> layers;
            for (size_t i = 0; i < image.chain_ids.size(); ++i) {
                const auto &diff_id = image.config.diff_ids[i];
                for (size_t u = 0; u < uploads.size(); ++u)
                    if (uploads[u].diff_id == diff_id) layers.push_back(blobs[u]);
            }
            manifest = build_manifest(config, layers);
        }
        if (stop_.stop_requested()) throw_canceled();
        const auto &tag = target.ref.tag;
        client_.put_manifest(name_.path, tag, manifest.media_type, manifest.bytes);
        // The digest docker reports is that of the bytes it sent.
        const auto digest = images::sha256_digest(manifest.bytes);
        record(image.id, manifest.bytes, digest);

        PushedTag pushed{tag, digest, int64_t(manifest.bytes.size())};
        sink_.status("", tag + ": digest: " + digest + " size: " + std::to_string(pushed.size));
        const nlohmann::json aux = {{"Tag", tag}, {"Digest", digest}, {"Size", pushed.size}};
        sink_.send({.aux_json = aux.dump()});
        return pushed;
    }

private:
    // As dockerd does after a push: the manifest blob is kept and recorded
    // on the image, and repo@digest shows up in RepoDigests.
    void record(const std::string &image_id, const std::string &bytes, const std::string &digest) {
        if (!service_.content().has(digest)) service_.content().put(bytes, digest);
        service_.images().add_manifest(image_id, digest);
        try {
            service_.references().add_digest(name_.with_digest(digest), image_id);
        } catch (const images::Conflict &) {
            // The digest already names this image's twin; nothing to add.
        }
    }

    images::ImageService &service_;
    registry::RegistryClient &client_;
    BlobSourceIndex &index_;
    const images::Reference &name_;
    ProgressSink &sink_;
    std::stop_token stop_;
};

} // namespace

std::vector<PushedTag> push_image(images::ImageService &service, const RegistryAccess &access, BlobSourceIndex &index,
                                  const PushOptions &options, ProgressSink &sink, std::stop_token stop) {
    // Up front, nothing sent yet: these become 4xx replies.
    const auto parsed = images::parse_normalized_named(options.repository);
    if (parsed.digested()) throw images::InvalidArgument("cannot push a digest reference");
    std::optional<std::string> tag = options.tag;
    if (tag && tag->empty()) tag.reset();
    if (!tag && parsed.tagged()) tag = parsed.tag;
    const auto name = parsed.trimmed();
    if (tag) (void)name.with_tag(*tag); // throws InvalidReference for a malformed tag
    const auto targets = tags_to_push(service, name, tag);

    sink.status("", "The push refers to repository [" + name.name() + "]");
    auto client = access.client(name.domain, options.credentials);
    client->ping();

    // Blobs made on the way (gzip'd layers, the manifest) are unreferenced
    // until recorded: keep gc away until then.
    const auto hold = service.hold_for_ingest();
    TagPusher pusher(service, *client, index, name, sink, stop);
    std::vector<PushedTag> pushed;
    for (const auto &target : targets) {
        if (stop.stop_requested()) throw_canceled();
        pushed.push_back(pusher.push(target));
    }
    return pushed;
}

} // namespace berth::distribution
