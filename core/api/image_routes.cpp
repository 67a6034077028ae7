// The local image endpoints: list, inspect, history, tag, remove, prune.
// Transfers (pull, push, import, save, load) are in image_transfer_routes.cpp.
#include "api/image_routes.h"

#include "api/filters.h"
#include "api/image_errors.h"
#include "api/image_json.h"
#include "containers/service/container_service.h"
#include "daemon/daemon_context.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/reference.h"
#include "images/time_format.h"

#include <nlohmann/json.hpp>

#include <fnmatch.h>

#include <set>

namespace berth::api {

images::ImageService &image_service(daemon::DaemonContext &ctx) {
    if (!ctx.images) throw ApiError(500, "no storage driver is available: images cannot be used (see berthd's log)");
    return *ctx.images;
}

namespace {

using nlohmann::json;

std::map<std::string, std::string> image_labels(const images::Image &image) {
    std::map<std::string, std::string> out;
    const auto cfg = json::parse(image.config.config_json.empty() ? "{}" : image.config.config_json, nullptr, false);
    if (cfg.is_object() && cfg.contains("Labels") && cfg["Labels"].is_object())
        for (const auto &[k, v] : cfg["Labels"].items())
            if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

// moby's FamiliarMatch: the pattern against "name:tag" (or "name@digest"),
// then against "name".
bool reference_matches(const images::Reference &ref, const std::string &pattern) {
    return fnmatch(pattern.c_str(), ref.familiar_string().c_str(), FNM_PATHNAME) == 0 ||
           fnmatch(pattern.c_str(), ref.familiar_name().c_str(), FNM_PATHNAME) == 0;
}

Response list_images(daemon::DaemonContext &ctx, Request &req) {
    auto &svc = image_service(ctx);
    const auto filters =
        Filters::parse(req.query_value("filters"), {"reference", "dangling", "label", "before", "since", "until"});
    const bool all = req.query_bool("all");
    const bool dangling_only = filters.boolean("dangling", false);
    const bool dangling_filter = filters.has("dangling");
    std::optional<int64_t> before, since;
    if (filters.has("before")) before = unix_seconds(svc.resolve(filters.values("before").front()).config.created);
    if (filters.has("since")) since = unix_seconds(svc.resolve(filters.values("since").front()).config.created);

    json out = json::array();
    std::vector<std::pair<int64_t, std::string>> rows;
    for (const auto &image : svc.images().list()) {
        const auto tags = repo_tags(svc, image.id);
        const bool dangling = tags.empty();
        if (dangling_filter && dangling != dangling_only) continue;
        // Intermediate images (untagged parents of other images) only with all=1.
        if (!all && dangling && !svc.images().children(image.id).empty()) continue;
        // With a reference filter, only the matching names are listed, and
        // an image with none is left out.
        auto refs = svc.references().references_of(image.id);
        if (filters.has("reference")) {
            std::erase_if(refs, [&](const images::Reference &ref) {
                return !filters.any_or_absent("reference",
                                              [&](const std::string &p) { return reference_matches(ref, p); });
            });
            if (refs.empty()) continue;
        }
        const auto labels = image_labels(image);
        if (filters.has("label")) {
            bool ok = true;
            for (const auto &l : filters.values("label")) ok = ok && labels_match(labels, l);
            if (!ok) continue;
        }
        const int64_t created = unix_seconds(image.config.created);
        if (before && created >= *before) continue;
        if (since && created <= *since) continue;
        rows.emplace_back(created, image_summary_json(svc, image, refs));
    }
    // Newest first, as dockerd lists them.
    std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    std::string body = "[";
    for (size_t i = 0; i < rows.size(); ++i) body += (i ? "," : "") + rows[i].second;
    body += "]";
    return Response::json(200, body);
}

Response prune_images(daemon::DaemonContext &ctx, Request &req) {
    auto &svc = image_service(ctx);
    const auto filters = Filters::parse(req.query_value("filters"), {"dangling", "label", "label!", "until"});
    const bool dangling_only = filters.boolean("dangling", true);
    // "until" as dockerd reads it: a duration ("24h") or a timestamp.
    std::optional<int64_t> until;
    if (filters.has("until")) {
        const auto &v = filters.values("until");
        if (v.size() != 1) throw ApiError(400, "more than one until filter specified");
        until = std::chrono::duration_cast<std::chrono::seconds>(parse_until(v.front()).time_since_epoch()).count();
    }
    auto layer_bytes = [&svc] {
        int64_t sum = 0;
        for (const auto &l : svc.layers().list()) sum += l.size;
        return sum;
    };
    const int64_t before_bytes = layer_bytes();
    std::set<std::string> in_use;
    if (ctx.containers) {
        const auto containers = json::parse(ctx.containers->list_json("", true, -1, false), nullptr, false);
        if (containers.is_array())
            for (const auto &c : containers)
                if (c.contains("ImageID") && c["ImageID"].is_string()) in_use.insert(c["ImageID"].get<std::string>());
    }
    json deleted = json::array();
    // Children before parents: repeat while something went.
    for (bool progress = true; progress;) {
        progress = false;
        for (const auto &image : svc.images().list()) {
            if (dangling_only && !repo_tags(svc, image.id).empty()) continue;
            const auto labels = image_labels(image);
            bool ok = true;
            for (const auto &l : filters.values("label")) ok = ok && labels_match(labels, l);
            for (const auto &l : filters.values("label!")) ok = ok && !labels_match(labels, l);
            if (!ok) continue;
            if (until && unix_seconds(image.config.created) >= *until) continue;
            if (!svc.images().children(image.id).empty()) continue;
            // Images containers use stay, as with dockerd (which skips them
            // before untagging anything).
            if (in_use.count(image.id)) continue;
            std::vector<images::DeleteItem> items;
            // A tagged image goes name by name, as dockerd prunes it: by ID,
            // an image in two repositories would be a conflict and stay.
            auto refs = svc.references().references_of(image.id);
            std::vector<std::string> names;
            for (const auto &ref : refs) names.push_back(ref.familiar_string());
            if (names.empty()) names.push_back(image.id);
            for (const auto &name : names) {
                try {
                    const auto done = svc.remove(name, false, true);
                    items.insert(items.end(), done.begin(), done.end());
                } catch (const images::Error &) {
                }
            }
            if (items.empty()) continue;
            for (const auto &it : items)
                deleted.push_back(it.untagged.empty() ? json{{"Deleted", it.deleted}} : json{{"Untagged", it.untagged}});
            progress = true;
        }
    }
    svc.gc(); // blobs only the removed images referred to
    json out;
    out["ImagesDeleted"] = deleted.empty() ? json(nullptr) : deleted;
    out["SpaceReclaimed"] = std::max<int64_t>(0, before_bytes - layer_bytes());
    return Response::json(200, out.dump());
}

} // namespace

void add_image_routes(Router &router, daemon::DaemonContext &ctx) {
    router.add("GET", "/images/json", [&ctx](Request &req) {
        return with_image_errors([&] { return list_images(ctx, req); });
    });
    router.add("POST", "/images/prune", [&ctx](Request &req) {
        return with_image_errors([&] { return prune_images(ctx, req); });
    });
    router.add("GET", "/images/{name:.+}/json", [&ctx](Request &req) {
        return with_image_errors([&] {
            auto &svc = image_service(ctx);
            return Response::json(200, image_inspect_json(svc, svc.resolve(req.params["name"])));
        });
    });
    router.add("GET", "/images/{name:.+}/history", [&ctx](Request &req) {
        return with_image_errors([&] {
            auto &svc = image_service(ctx);
            return Response::json(200, image_history_json(svc, svc.resolve(req.params["name"])));
        });
    });
    router.add("POST", "/images/{name:.+}/tag", [&ctx](Request &req) {
        return with_image_errors([&] {
            auto &svc = image_service(ctx);
            const std::string repo = req.query_value("repo");
            const std::string tag = req.query_value("tag");
            if (repo.empty()) throw ApiError(400, "repository name must have at least one component");
            std::string target = repo;
            if (!tag.empty()) {
                if (!images::is_valid_tag(tag)) throw ApiError(400, "invalid tag format");
                target += ":" + tag;
            }
            svc.tag(req.params["name"], target);
            return Response::empty(201);
        });
    });
    router.add("DELETE", "/images/{name:.+}", [&ctx](Request &req) {
        return with_image_errors([&] {
            auto &svc = image_service(ctx);
            const auto items = svc.remove(req.params["name"], req.query_bool("force"), !req.query_bool("noprune"));
            json out = json::array();
            for (const auto &it : items)
                out.push_back(it.untagged.empty() ? json{{"Deleted", it.deleted}} : json{{"Untagged", it.untagged}});
            return Response::json(200, out.dump());
        });
    });
    add_image_transfer_routes(router, ctx);
}

} // namespace berth::api
