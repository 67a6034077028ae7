#include "images/image_service.h"

#include "images/digest.h"
#include "images/errors.h"
#include "images/time_format.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace berth::images {
namespace {

// dockerd's conflict classes for image deletion (daemon/images/image_delete.go).
enum : unsigned {
    kDependentChild = 1u << 0,
    kRunningContainer = 1u << 1,
    kActiveReference = 1u << 2,
    kStoppedContainer = 1u << 3,
    kHard = kDependentChild | kRunningContainer,
    kSoft = kActiveReference | kStoppedContainer,
};

// How long rmi waits for running pulls/imports before it leaves the
// image's layers to the next gc() instead of releasing them itself.
constexpr auto kReleaseWait = std::chrono::seconds(2);

// dockerd's isSingleReference: at most one tag, and every digest reference
// in the same repository as it.
bool is_single_reference(const std::vector<Reference> &refs) {
    if (refs.size() <= 1) return refs.size() == 1;
    const Reference *single = nullptr;
    std::set<std::string> digest_names;
    for (const auto &r : refs) {
        if (r.digested()) {
            digest_names.insert(r.name());
        } else if (single == nullptr) {
            single = &r;
        } else {
            return false;
        }
    }
    if (single == nullptr) single = &refs.front();
    return digest_names.size() == 1 && digest_names.count(single->name()) == 1;
}

} // namespace

ImageService::ImageService(const std::filesystem::path &data_root, std::shared_ptr<LayerDriver> driver,
                           ImageServiceHooks hooks)
    : hooks_(std::move(hooks)) {
    // One image store per storage driver, as dockerd keeps them: layer
    // records name the driver's layer ids, so another driver must never
    // read them. Switching drivers shows that driver's own images.
    const auto root = data_root / "image" / driver->name();
    root_ = root;
    // Scratch space of loads and saves a kill -9 interrupted: nothing can
    // be using it before the service exists.
    std::error_code ignored;
    std::filesystem::remove_all(root / "tmp", ignored);
    content_ = std::make_unique<ContentStore>(root);
    layers_ = std::make_unique<LayerStore>(root, std::move(driver), content_.get());
    recovery_ = layers_->recover();
    images_ = std::make_unique<ImageStore>(root, *content_, *layers_);
    refs_ = std::make_unique<ReferenceStore>(root / "repositories.json");
    // dockerd does the same at start: a reference to a missing image could
    // only ever produce "No such image" for a name `docker images` lists.
    for (const auto &[ref, id] : refs_->list()) {
        if (images_->has(id)) continue;
        spdlog::warn("image service: removing reference {} to missing image {}", ref.familiar_string(), id);
        refs_->remove(ref);
    }
}

ImageService::~ImageService() = default;

std::shared_lock<std::shared_timed_mutex> ImageService::hold_for_ingest() {
    return std::shared_lock<std::shared_timed_mutex>(ingest_mutex_);
}

std::vector<ContainerUse> ImageService::containers_using(const std::string &id) const {
    return hooks_.containers_using ? hooks_.containers_using(id) : std::vector<ContainerUse>{};
}

std::set<std::string> ImageService::layers_in_use() const {
    auto in_use = images_->chains_in_use();
    if (hooks_.layers_in_use) {
        auto more = hooks_.layers_in_use();
        in_use.insert(more.begin(), more.end());
    }
    return in_use;
}

void ImageService::emit(const std::string &action, const std::string &id, const std::string &name) const {
    if (hooks_.event) hooks_.event(action, id, name);
}

Image ImageService::resolve(std::string_view name) const {
    const AnyReference any = parse_any_reference(name);
    if (!any.named) {
        if (auto img = images_->find(any.id)) return std::move(*img);
        throw NotFound("No such image: " + any.id);
    }
    if (auto id = refs_->get(*any.named)) {
        if (auto img = images_->find(*id)) return std::move(*img);
    }
    // "abc" is both a valid name and a hex prefix: the reference store had
    // its chance first, as in dockerd.
    try {
        return images_->get(images_->resolve_prefix(name));
    } catch (const NotFound &) {
        throw NotFound("No such image: " + any.named->tag_name_only().familiar_string());
    }
}

void ImageService::tag(std::string_view source, std::string_view target) {
    const Image img = resolve(source);
    const Reference ref = parse_normalized_named(target);
    if (ref.digested()) throw InvalidArgument("refusing to create a tag with a digest reference");
    tag_image(img.id, ref.tag_name_only());
}

void ImageService::tag_image(const std::string &image_id, const Reference &target) {
    std::lock_guard op(op_mutex_);
    if (!images_->has(image_id)) throw NotFound("No such image: " + image_id);
    refs_->add_tag(target, image_id, true);
    images_->set_last_updated(image_id, format_rfc3339_nano(std::chrono::system_clock::now()));
    emit("tag", image_id, target.tag_name_only().familiar_string());
}

DeleteItem ImageService::untag(const Reference &ref, const std::string &id) {
    const Reference shown = ref.tag_name_only();
    refs_->remove(shown);
    emit("untag", id, shown.familiar_string());
    return DeleteItem{shown.familiar_string(), {}};
}

std::optional<ImageService::DeleteConflict> ImageService::check_conflict(const std::string &id, unsigned mask) const {
    auto fail = [&id](bool hard, bool used, const std::string &why) {
        return DeleteConflict{hard, used,
                              "conflict: unable to delete " + short_id(id) + " (" +
                                  (hard ? "cannot be forced" : "must be forced") + ") - " + why};
    };
    if ((mask & kDependentChild) && !images_->children(id).empty())
        return fail(true, false, "image has dependent child images");
    const auto users =
        (mask & (kRunningContainer | kStoppedContainer)) ? containers_using(id) : std::vector<ContainerUse>{};
    if (mask & kRunningContainer) {
        for (const auto &c : users)
            if (c.running) return fail(true, true, "image is being used by running container " + short_id(c.id));
    }
    if ((mask & kActiveReference) && !refs_->references_of(id).empty())
        return fail(false, false, "image is referenced in multiple repositories");
    if (mask & kStoppedContainer) {
        for (const auto &c : users)
            if (!c.running) return fail(false, true, "image is being used by stopped container " + short_id(c.id));
    }
    return std::nullopt;
}

std::vector<DeleteItem> ImageService::remove(std::string_view name, bool force, bool prune) {
    std::lock_guard op(op_mutex_);
    // Releasing layers must not race a pull stacking onto them: when an
    // image is deleted, wait a little for running pulls, else leave its
    // layers to gc(). Untagging alone never waits.
    std::unique_lock ingest(ingest_mutex_, std::defer_lock);
    std::optional<bool> gate;
    const std::function<bool()> may_release = [&] {
        if (!gate) gate = ingest.try_lock_for(kReleaseWait);
        return *gate;
    };

    const Image img = resolve(name);
    const std::string id = img.id;
    std::vector<DeleteItem> records;
    auto repo_refs = refs_->references_of(id);
    bool removed_repository_ref = false;

    if (!is_image_id_prefix(id, name)) {
        // A reference was named: untag it. Only the last reference to an
        // image in use by a container needs force, or the image would be
        // left dangling under the container.
        if (!force && is_single_reference(repo_refs)) {
            const auto users = containers_using(id);
            if (!users.empty())
                throw images::Conflict("conflict: unable to remove repository reference \"" + std::string(name) +
                                       "\" (must force) - container " + short_id(users.front().id) +
                                       " is using its referenced image " + short_id(id));
        }
        const Reference parsed = parse_normalized_named(name).tag_name_only();
        records.push_back(untag(parsed, id));
        repo_refs = refs_->references_of(id);
        // The last tag of a repository takes that repository's digest
        // references with it.
        if (!parsed.digested()) {
            const bool tag_left = std::any_of(repo_refs.begin(), repo_refs.end(), [&](const Reference &r) {
                return !r.digested() && r.name() == parsed.name();
            });
            if (!tag_left) {
                std::vector<Reference> remaining;
                for (const auto &r : repo_refs) {
                    if (r.digested() && r.name() == parsed.name())
                        records.push_back(untag(r, id));
                    else
                        remaining.push_back(r);
                }
                repo_refs = std::move(remaining);
            }
        }
        if (!repo_refs.empty()) return records;
        removed_repository_ref = true;
    } else if (is_single_reference(repo_refs)) {
        // By ID, with one repository's references at most: they go too.
        const unsigned mask = kHard | (force ? 0u : (kSoft & ~kActiveReference));
        if (auto c = check_conflict(id, mask)) throw images::Conflict(c->message);
        for (const auto &r : repo_refs) records.push_back(untag(r, id));
    }
    delete_image(id, records, force, prune, removed_repository_ref, may_release);
    // With the ingest gate held no pull or build has unreferenced blobs in
    // flight, so what the deleted image alone referred to can go now, as
    // dockerd frees it; otherwise the next gc() takes it.
    if (gate && *gate) {
        GcReport ignored;
        sweep_blobs(ignored);
    }
    return records;
}

void ImageService::delete_image(const std::string &id, std::vector<DeleteItem> &records, bool force, bool prune,
                                bool quiet, const std::function<bool()> &may_release) {
    const auto img = images_->find(id);
    if (!img) return;
    if (auto c = check_conflict(id, kHard | (force ? 0u : kSoft))) {
        // quiet: after untagging, or while pruning parents. A conflict then
        // just ends the work, unless the image would be left dangling and
        // unused, which the user must hear about.
        const bool dangling = refs_->references_of(id).empty() && images_->children(id).empty();
        if (quiet && (!dangling || c->used)) return;
        throw images::Conflict(c->message);
    }
    for (const auto &r : refs_->references_of(id)) records.push_back(untag(r, id));
    images_->remove(id);
    emit("delete", id, id);
    records.push_back(DeleteItem{{}, id});

    const std::string top = img->top_chain();
    if (!top.empty() && layers_->has(top)) {
        if (may_release()) {
            try {
                for (const auto &chain : layers_->release(top, layers_in_use()))
                    records.push_back(DeleteItem{{}, chain});
            } catch (const Error &e) {
                // The image is gone either way; its layers wait for gc().
                spdlog::warn("image service: layers of {} not released: {}", id, e.what());
            }
        } else {
            spdlog::info("image service: a pull or import is running; layers of {} are left for gc", id);
        }
    }
    if (prune && !img->parent.empty()) delete_image(img->parent, records, false, true, true, may_release);
}

GcReport ImageService::gc() {
    std::unique_lock ingest(ingest_mutex_);
    std::lock_guard op(op_mutex_);
    GcReport report;
    std::map<std::string, int64_t> layer_sizes;
    for (const auto &rec : layers_->list()) layer_sizes[rec.chain_id] = rec.size;
    report.layers_removed = layers_->prune(layers_in_use());
    for (const auto &chain : report.layers_removed) report.bytes_reclaimed += layer_sizes[chain];

    sweep_blobs(report);
    return report;
}

void ImageService::sweep_blobs(GcReport &report) {
    std::set<std::string> referenced;
    for (const auto &img : images_->list()) {
        referenced.insert(img.id);
        referenced.insert(img.manifests.begin(), img.manifests.end());
    }
    for (const auto &[ref, id] : refs_->list())
        if (ref.digested()) referenced.insert(ref.digest);
    for (const auto &rec : layers_->list())
        if (rec.descriptor) referenced.insert(rec.descriptor->digest);
    for (const auto &digest : content_->list()) {
        if (referenced.count(digest)) continue;
        try {
            const int64_t bytes = content_->size(digest);
            if (content_->remove(digest)) {
                report.blobs_removed.push_back(digest);
                report.bytes_reclaimed += bytes;
            }
        } catch (const NotFound &) {
            // Went away meanwhile.
        }
    }
}

int64_t ImageService::size(const Image &image) const {
    const auto top = image.top_chain();
    return top.empty() ? 0 : layers_->chain_size(top);
}

} // namespace berth::images
