// load_images: extract, plan, then apply the plan under the ingest hold,
// recording every new layer, blob, image and tag so a failure anywhere
// (a bad layer, a cancelled client, a full disk) undoes all of it.
#include "images/archive/archive.h"

#include "images/archive/extracted_archive.h"
#include "images/archive/load_plan.h"
#include "images/archive/temp_space.h"
#include "images/content_store.h"
#include "images/decompress.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/tee_apply.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <set>
#include <unistd.h>

namespace berth::images::archive {
namespace {

// At most this many "Loading layer" updates per layer (plus the last).
constexpr int64_t kProgressSteps = 100;
constexpr int64_t kMinProgressBytes = 512 * 1024;

// moby's checkValidParent: the child is the parent plus one history step.
bool valid_parent(const ImageConfig &child, const ImageConfig &parent) {
    if (child.history.empty() && parent.history.empty()) return true;
    if (child.history.size() != parent.history.size() + 1) return false;
    return std::equal(parent.history.begin(), parent.history.end(), child.history.begin());
}

class Loader {
public:
    Loader(ImageService &service, const ExtractedArchive &archive, distribution::ProgressSink &progress, bool quiet)
        : service_(service), archive_(archive), progress_(progress), quiet_(quiet) {}

    LoadResult run(const std::vector<LoadItem> &items) {
        auto hold = service_.hold_for_ingest(); // gc must not collect layers before their image exists
        std::vector<std::string> lines;
        LoadResult result;
        try {
            for (const auto &item : items) {
                load_layers(item);
                create_image(item);
            }
            link_parents(items);
            for (const auto &item : items) tag(item, lines, result);
        } catch (...) {
            rollback();
            throw;
        }
        hold.unlock();
        // Everything is in place: the lines tell the truth now.
        for (const auto &line : lines) progress_.send({.stream = line});
        return result;
    }

private:
    void load_layers(const LoadItem &item) {
        std::string parent_chain;
        for (size_t i = 0; i < item.layer_members.size(); ++i) {
            const std::string &diff_id = item.config.diff_ids[i];
            const std::string chain = chain_id(parent_chain, diff_id);
            // As moby: a layer already here is neither read nor reported.
            if (!service_.layers().has(chain)) load_layer(i, item.layer_members[i], parent_chain, diff_id);
            parent_chain = chain;
        }
    }

    void load_layer(size_t index, const std::string &member, const std::string &parent_chain,
                    const std::string &diff_id) {
        const UniqueFd fd = archive_.open(member);
        const int64_t total = archive_.size(member);
        const std::string id = short_id(diff_id);
        const bool keep_blob = !service_.content().has(diff_id);
        bool blob_committed = false;

        // Progress counts archive bytes consumed (what moby shows), read off
        // the member's file offset: the decompressor owns the reads.
        int64_t last_sent = 0;
        const int64_t step = std::max(kMinProgressBytes, total / kProgressSteps);
        RegisterOptions options;
        options.parent_chain = parent_chain;
        options.expected_diff_id = diff_id;
        if (!quiet_) {
            options.progress = [&](uint64_t) {
                const off_t pos = ::lseek(fd.get(), 0, SEEK_CUR);
                if (pos < 0 || pos - last_sent < step) return;
                last_sent = std::min<int64_t>(pos, total);
                progress_.bytes(id, "Loading layer", last_sent, total);
            };
        }
        const ApplyFn apply = [&](LayerDriver &driver, const std::string &cache_id, const std::string &parent_cache) {
            // Layers may be gzip/zstd/xz compressed whatever the archive
            // says (containerd-backed docker save compresses them).
            DecompressPipe pipe(fd.get(), "layer " + member);
            std::unique_ptr<BlobWriter> blob;
            ChunkSink sink;
            if (keep_blob) {
                blob = service_.content().writer();
                sink = [&blob](const char *data, size_t len) { blob->write(data, len); };
            }
            const TeeOutcome outcome = apply_hashed(driver, cache_id, parent_cache, pipe.fd(), sink, options.progress);
            pipe.finish();
            if (outcome.diff_id != diff_id)
                throw DigestMismatch("invalid diffID for layer " + std::to_string(index) + ": expected \"" + diff_id +
                                     "\", got \"" + outcome.diff_id + "\"");
            // Keep the exact tar (digest = diff_id): save and push then send
            // these bytes instead of a driver diff that may differ.
            if (blob) {
                blob->commit(diff_id);
                blob_committed = true;
            }
            return ApplyResult{diff_id, outcome.applied_size,
                               LayerDescriptor{std::string(kLayerTarMediaType), diff_id, int64_t(outcome.bytes_read)}};
        };
        try {
            const RegisterResult reg = service_.layers().register_layer_with(apply, options);
            if (!reg.existed) created_layers_.push_back(reg.layer.chain_id);
        } catch (...) {
            if (blob_committed) created_blobs_.push_back(diff_id);
            throw;
        }
        if (blob_committed) created_blobs_.push_back(diff_id);
        if (!quiet_ && last_sent < total) progress_.bytes(id, "Loading layer", total, total);
    }

    void create_image(const LoadItem &item) {
        if (service_.images().has(item.image_id)) return;
        const bool blob_existed = service_.content().has(item.image_id);
        try {
            service_.images().create_from_config(item.config_bytes);
        } catch (...) {
            if (!blob_existed && !service_.images().has(item.image_id)) service_.content().remove(item.image_id);
            throw;
        }
        created_images_.push_back(item.image_id);
    }

    // moby's validatedParentLinks: a parent counts only when it is loaded
    // by the same archive and the child's history extends it by one step.
    void link_parents(const std::vector<LoadItem> &items) {
        for (const auto &item : items) {
            if (item.parent.empty() || item.parent == item.image_id) continue;
            if (std::find(created_images_.begin(), created_images_.end(), item.image_id) == created_images_.end())
                continue;
            const auto parent = std::find_if(items.begin(), items.end(),
                                             [&](const LoadItem &p) { return p.image_id == item.parent; });
            if (parent == items.end() || !valid_parent(item.config, parent->config)) continue;
            service_.images().set_parent(item.image_id, item.parent);
        }
    }

    void tag(const LoadItem &item, std::vector<std::string> &lines, LoadResult &result) {
        for (const auto &ref : item.tags) {
            const auto previous = service_.references().get(ref);
            if (previous && *previous != item.image_id)
                lines.push_back("The image " + ref.familiar_string() + " already exists, renaming the old one with ID " +
                                *previous + " to empty string\n");
            service_.tag_image(item.image_id, ref);
            moved_tags_.emplace_back(ref, previous);
            lines.push_back("Loaded image: " + ref.familiar_string() + "\n");
            result.loaded.push_back(ref.familiar_string());
        }
        if (item.tags.empty()) {
            lines.push_back("Loaded image ID: " + item.image_id + "\n");
            result.loaded.push_back(item.image_id);
        }
    }

    // Best effort, newest first; each failure is logged and the rest still
    // runs (what remains is what gc would collect anyway).
    void rollback() noexcept {
        auto attempt = [](const std::string &what, const auto &fn) {
            try {
                fn();
            } catch (const std::exception &e) {
                spdlog::warn("docker load: undo {}: {}", what, e.what());
            }
        };
        for (auto it = moved_tags_.rbegin(); it != moved_tags_.rend(); ++it) {
            attempt("tag " + it->first.familiar_string(), [&] {
                if (it->second) {
                    service_.references().add_tag(it->first, *it->second, true);
                } else {
                    service_.references().remove(it->first);
                }
            });
        }
        for (auto it = created_images_.rbegin(); it != created_images_.rend(); ++it)
            attempt("image " + *it, [&] { service_.images().remove(*it); });
        // Every layer this load did not create stays, used or not (a
        // concurrent pull's layers are not referenced by an image yet).
        std::set<std::string> keep;
        attempt("layer list", [&] {
            for (const auto &rec : service_.layers().list()) keep.insert(rec.chain_id);
            for (const auto &chain : created_layers_) keep.erase(chain);
        });
        for (auto it = created_layers_.rbegin(); it != created_layers_.rend(); ++it) {
            if (!service_.layers().has(*it)) continue; // went with a child's release
            attempt("layer " + *it, [&] { service_.layers().release(*it, keep); });
        }
        for (const auto &digest : created_blobs_) {
            attempt("blob " + digest, [&] {
                for (const auto &rec : service_.layers().list())
                    if (rec.descriptor && rec.descriptor->digest == digest) return; // another layer uses it
                service_.content().remove(digest);
            });
        }
    }

    ImageService &service_;
    const ExtractedArchive &archive_;
    distribution::ProgressSink &progress_;
    bool quiet_;
    std::vector<std::string> created_layers_; // chain IDs, in creation order
    std::vector<std::string> created_blobs_;  // kept layer tars
    std::vector<std::string> created_images_;
    std::vector<std::pair<Reference, std::optional<std::string>>> moved_tags_; // tag, image it named before
};

} // namespace

LoadResult load_images(ImageService &service, const ByteReader &in, distribution::ProgressSink &progress,
                       bool quiet) {
    const auto scratch = scratch_root(service);
    sweep_stale(scratch, "load-");
    const ExtractedArchive archive(in, scratch);
    const std::vector<LoadItem> items = plan_load(archive);
    return Loader(service, archive, progress, quiet).run(items);
}

} // namespace berth::images::archive
