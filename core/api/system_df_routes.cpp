// GET /system/df: the image, container and volume objects the list
// endpoints give, with the usage fields only `docker system df` shows
// (image Containers and SharedSize, container SizeRw/SizeRootFs, volume
// UsageData). Each section comes from its service's own list functions so
// df and `docker images`/`ps -s`/`volume ls` never disagree.
//
// The directory walks run on the request's own connection thread (the
// server gives every connection one), so a slow walk holds no other client.
#include "api/system_df_routes.h"

#include "api/image_errors.h"
#include "api/image_json.h"
#include "api/volume_routes.h"
#include "containers/service/container_service.h"
#include "images/image_service.h"
#include "volumes/volume.h"
#include "volumes/volume_service.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace berth::api {
namespace {

using nlohmann::json;

struct Sections {
    bool images = false, containers = false, volumes = false, build_cache = false;
};

// API 1.42 added `type` (repeatable); none given means every section.
Sections requested_sections(const Request &req) {
    Sections s;
    bool any = false;
    for (auto [it, end] = req.query_all.equal_range("type"); it != end; ++it) {
        any = true;
        const std::string &t = it->second;
        if (t == "container") s.containers = true;
        else if (t == "image") s.images = true;
        else if (t == "volume") s.volumes = true;
        else if (t == "build-cache") s.build_cache = true;
        else throw ApiError(400, "unknown object type: " + t);
    }
    if (!any) s = {true, true, true, true};
    return s;
}

// Containers per image ID, from the container list (stopped ones count:
// they keep their image in use, as dockerd counts them).
std::map<std::string, int64_t> containers_per_image(const json &containers) {
    std::map<std::string, int64_t> out;
    for (const auto &c : containers)
        if (c.is_object() && c.contains("ImageID") && c["ImageID"].is_string()) ++out[c["ImageID"].get<std::string>()];
    return out;
}

// Images as /images/json lists them (intermediate parents left out), each
// with Containers and SharedSize: the bytes of its layers that another
// image also has.
json image_section(images::ImageService &svc, const std::map<std::string, int64_t> &used_by) {
    const auto all = svc.images().list();
    std::map<std::string, int> layer_users;
    for (const auto &image : all)
        for (const auto &chain : std::set<std::string>(image.chain_ids.begin(), image.chain_ids.end()))
            ++layer_users[chain];
    std::map<std::string, int64_t> layer_size;
    for (const auto &l : svc.layers().list()) layer_size[l.chain_id] = l.size;

    json out = json::array();
    for (const auto &image : all) {
        auto refs = svc.references().references_of(image.id);
        if (repo_tags(svc, image.id).empty() && !svc.images().children(image.id).empty()) continue;
        json summary = json::parse(image_summary_json(svc, image, refs));
        int64_t shared = 0;
        for (const auto &chain : image.chain_ids)
            if (layer_users[chain] > 1) shared += layer_size[chain];
        const auto used = used_by.find(image.id);
        summary["Containers"] = used == used_by.end() ? 0 : used->second;
        summary["SharedSize"] = shared;
        out.push_back(std::move(summary));
    }
    return out;
}

int64_t layers_size(images::ImageService &svc) {
    int64_t sum = 0;
    for (const auto &l : svc.layers().list()) sum += l.size;
    return sum;
}

// Every volume with UsageData; sizes only for the local driver (the data
// of another driver's volume is not ours to walk), -1 otherwise.
json volume_section(volumes::VolumeService &svc) {
    json out = json::array();
    for (const auto &v : svc.list()) {
        VolumeUsage usage;
        try {
            usage.ref_count = static_cast<int64_t>(svc.users(v.name).size());
            if (v.driver == volumes::kLocalDriver) usage.size = svc.size(v.name);
        } catch (const std::exception &) {
            continue; // removed since list()
        }
        out.push_back(json::parse(volume_json(v, usage)));
    }
    return out;
}

Response disk_usage(daemon::DaemonContext &ctx, const Request &req) {
    const Sections want = requested_sections(req);
    json out = json::object();
    // The container list feeds the images' Containers counts too.
    json containers = json::array();
    if ((want.containers || want.images) && ctx.containers)
        containers = json::parse(ctx.containers->list_json("", true, -1, want.containers));
    if (want.images) {
        out["LayersSize"] = ctx.images ? layers_size(*ctx.images) : 0;
        out["Images"] = ctx.images ? image_section(*ctx.images, containers_per_image(containers)) : json::array();
    } else {
        out["Images"] = nullptr;
    }
    out["Containers"] = want.containers ? containers : json(nullptr);
    out["Volumes"] = want.volumes ? (ctx.volumes ? volume_section(*ctx.volumes) : json::array()) : json(nullptr);
    // The builder keeps no cache between builds, so there is nothing to list.
    out["BuildCache"] = want.build_cache ? json::array() : json(nullptr);
    return Response::json(200, out.dump());
}

} // namespace

void add_system_df_routes(Router &router, daemon::DaemonContext &ctx) {
    router.add("GET", "/system/df", [&ctx](Request &req) {
        return with_image_errors([&] { return disk_usage(ctx, req); });
    });
}

} // namespace berth::api
