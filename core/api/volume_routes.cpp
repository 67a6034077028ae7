// /volumes: create, list, inspect, remove, prune — moby's volume router and
// volume service behaviour, including its error texts.
#include "api/volume_routes.h"

#include "api/api_version.h"
#include "api/filters.h"
#include "api/image_errors.h"
#include "images/time_format.h"
#include "volumes/volume.h"
#include "volumes/volume_service.h"

#include <nlohmann/json.hpp>

#include <regex>

namespace berth::api {
namespace {

using nlohmann::json;

json optional_map(const std::optional<volumes::StringMap> &m) { return m ? json(*m) : json(nullptr); }

json volume_object(const volumes::Volume &v, std::optional<VolumeUsage> usage) {
    json j;
    j["CreatedAt"] = images::format_rfc3339_nano(std::chrono::time_point_cast<std::chrono::seconds>(v.created));
    j["Driver"] = v.driver;
    j["Labels"] = optional_map(v.labels);
    j["Mountpoint"] = v.mountpoint.string();
    j["Name"] = v.name;
    j["Options"] = optional_map(v.options);
    j["Scope"] = "local";
    if (usage) j["UsageData"] = {{"RefCount", usage->ref_count}, {"Size", usage->size}};
    return j;
}

// A map of strings from the request body; absent or null gives nullopt.
// Other types throw nlohmann's type_error (parse_create makes it a 400).
std::optional<volumes::StringMap> body_map(const json &body, const char *key) {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    return body[key].get<volumes::StringMap>();
}

std::string body_string(const json &body, const char *key) {
    if (!body.contains(key) || body[key].is_null()) return {};
    return body[key].get<std::string>();
}

struct CreateRequest {
    std::string name, driver;
    std::optional<volumes::StringMap> labels, driver_opts;
};

CreateRequest parse_create(const std::string &text) {
    try {
        const json body = text.empty() ? json::object() : json::parse(text);
        if (!body.is_object()) throw ApiError(400, "invalid JSON: expected an object");
        return {body_string(body, "Name"), body_string(body, "Driver"), body_map(body, "Labels"),
                body_map(body, "DriverOpts")};
    } catch (const json::exception &e) {
        // Caught here: the error mapping around the handlers would make it a 500.
        throw ApiError(400, std::string("invalid JSON: ") + e.what());
    }
}

Response create_volume(volumes::VolumeService &svc, Request &req) {
    const auto body = parse_create(req.body);
    const auto v = svc.ensure(body.name, body.driver, body.labels, body.driver_opts);
    return Response::json(201, volume_object(v, std::nullopt).dump());
}

// moby's Args.Match: an exact name, or a regular expression found anywhere
// in it (a pattern that does not compile matches nothing).
bool name_matches(const std::string &name, const std::string &pattern) {
    if (name == pattern) return true;
    try {
        return std::regex_search(name, std::regex(pattern));
    } catch (const std::regex_error &) {
        return false;
    }
}

bool all_labels_match(const std::optional<volumes::StringMap> &labels, const std::vector<std::string> &wanted) {
    const volumes::StringMap none;
    for (const auto &w : wanted)
        if (!labels_match(labels ? *labels : none, w)) return false;
    return true;
}

Response list_volumes(volumes::VolumeService &svc, Request &req) {
    const auto filters = Filters::parse(req.query_value("filters"), {"dangling", "driver", "label", "name"});
    const bool dangling_filter = filters.has("dangling");
    const bool dangling_only = filters.boolean("dangling", false);
    json out = json::array();
    for (const auto &v : svc.list()) {
        if (!filters.any_or_absent("driver", [&](const std::string &d) { return d == v.driver; })) continue;
        if (!filters.any_or_absent("name", [&](const std::string &p) { return name_matches(v.name, p); })) continue;
        if (!all_labels_match(v.labels, filters.values("label"))) continue;
        if (dangling_filter) {
            std::vector<std::string> users;
            try {
                users = svc.users(v.name);
            } catch (const std::exception &) {
                continue; // removed since list()
            }
            if (users.empty() != dangling_only) continue;
        }
        out.push_back(volume_object(v, std::nullopt));
    }
    return Response::json(200, json{{"Volumes", out}, {"Warnings", nullptr}}.dump());
}

// Go's strconv.ParseBool, which moby uses for the "all" prune filter.
std::optional<bool> go_parse_bool(const std::string &s) {
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return false;
    return std::nullopt;
}

Response prune_volumes(volumes::VolumeService &svc, Request &req) {
    const auto filters = Filters::parse(req.query_value("filters"), {"label", "label!", "all"});
    // API 1.42 made prune take anonymous volumes only; older clients get
    // the old behaviour (every unused volume), as from dockerd.
    bool all = compare_versions(req.api_version, "1.42").value_or(0) < 0;
    if (filters.has("all")) {
        const auto &v = filters.values("all");
        const auto parsed = v.size() == 1 ? go_parse_bool(v[0]) : std::nullopt;
        if (!parsed) throw ApiError(400, "invalid filter 'all=" + (v.empty() ? std::string() : v[0]) + "'");
        all = all || *parsed;
    }
    std::vector<std::string> labels = filters.values("label");
    if (!all) labels.push_back(volumes::kAnonymousLabel);
    const auto excluded = filters.values("label!");
    // Runs under the service's lock: it must not call back into svc.
    const auto report = svc.prune([&](const volumes::Volume &v) {
        if (!all_labels_match(v.labels, labels)) return false;
        const volumes::StringMap none;
        for (const auto &l : excluded)
            if (labels_match(v.labels ? *v.labels : none, l)) return false;
        return true;
    });
    json out;
    out["VolumesDeleted"] = report.deleted;
    out["SpaceReclaimed"] = report.space_reclaimed;
    return Response::json(200, out.dump());
}

} // namespace

std::string volume_json(const volumes::Volume &v, std::optional<VolumeUsage> usage) {
    return volume_object(v, usage).dump();
}

void add_volume_routes(Router &router, volumes::VolumeService &svc) {
    router.add("POST", "/volumes/create", [&svc](Request &req) {
        return with_image_errors([&] { return create_volume(svc, req); });
    });
    router.add("GET", "/volumes", [&svc](Request &req) {
        return with_image_errors([&] { return list_volumes(svc, req); });
    });
    router.add("POST", "/volumes/prune", [&svc](Request &req) {
        return with_image_errors([&] { return prune_volumes(svc, req); });
    });
    router.add("GET", "/volumes/{name}", [&svc](Request &req) {
        return with_image_errors([&] { return Response::json(200, volume_json(svc.get(req.params["name"]))); });
    });
    router.add("DELETE", "/volumes/{name}", [&svc](Request &req) {
        return with_image_errors([&] {
            svc.remove(req.params["name"], req.query_bool("force"));
            return Response::empty(204);
        });
    });
}

} // namespace berth::api
