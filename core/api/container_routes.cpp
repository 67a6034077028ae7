#include "api/container_routes.h"

#include "api/filters.h"
#include "api/image_errors.h"
#include "containers/service/container_service.h"
#include "containers/store/errors.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace berth::api {
namespace {

using json = nlohmann::json;
using containers::ContainerService;

std::optional<int> int_query(const Request &req, const std::string &key) {
    const std::string v = req.query_value(key);
    if (v.empty()) return std::nullopt;
    try {
        size_t used = 0;
        const int n = std::stoi(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception &) {
        throw ApiError(400, "invalid value for " + key + ": " + v);
    }
}

unsigned dimension(const Request &req, const char *key) {
    const auto v = int_query(req, key);
    if (!v || *v < 0) throw ApiError(400, std::string("invalid resize ") + (key[0] == 'h' ? "height" : "width"));
    return static_cast<unsigned>(*v);
}

// POST /containers/{id}/exec's body, checked the way dockerd decodes it:
// before the container is looked up (bad JSON is a 400 even for an unknown
// container), with the types Go's decoder enforces, so a mistyped field is
// refused here instead of failing the exec's start or inspect later.
void check_exec_body(const std::string &body) {
    json j;
    try {
        j = json::parse(body.empty() ? "{}" : body);
    } catch (const json::parse_error &e) {
        throw ApiError(400, std::string("invalid JSON: ") + e.what());
    }
    if (!j.is_object()) throw ApiError(400, "invalid JSON: the exec body must be a JSON object");
    const auto refuse = [](const char *key, const json &v, const char *go_type) {
        throw ApiError(400, std::string("invalid JSON: json: cannot unmarshal ") + v.type_name() +
                                " into Go struct field ExecOptions." + key + " of type " + go_type);
    };
    for (const char *key : {"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "Privileged", "Detach"})
        if (j.contains(key) && !j[key].is_null() && !j[key].is_boolean()) refuse(key, j[key], "bool");
    for (const char *key : {"User", "WorkingDir", "DetachKeys"})
        if (j.contains(key) && !j[key].is_null() && !j[key].is_string()) refuse(key, j[key], "string");
    for (const char *key : {"Cmd", "Env"}) {
        if (!j.contains(key) || j[key].is_null()) continue;
        if (!j[key].is_array()) refuse(key, j[key], "[]string");
        for (const auto &item : j[key])
            if (!item.is_string()) refuse(key, item, "string");
    }
    if (j.contains("ConsoleSize") && !j["ConsoleSize"].is_null()) {
        const auto &size = j["ConsoleSize"];
        if (!size.is_array() || size.size() != 2) refuse("ConsoleSize", size, "*[2]uint");
        for (const auto &n : size)
            if (!n.is_number_unsigned()) refuse("ConsoleSize", n, "uint");
    }
    if (!j.contains("Cmd") || !j["Cmd"].is_array() || j["Cmd"].empty())
        throw ApiError(400, "No exec command specified");
}

} // namespace

Response with_container_errors(const std::function<Response()> &fn) {
    try {
        return fn();
    } catch (const containers::AlreadyInState &) {
        return Response::empty(304);
    } catch (const ApiError &) {
        throw;
    } catch (...) {
        throw image_api_error(std::current_exception());
    }
}

void add_container_routes(Router &r, ContainerService &svc) {
    r.add("POST", "/containers/create", [&svc](Request &req) {
        return with_container_errors([&] {
            const auto res = svc.create(req.query_value("name"), req.body, req.query_value("platform"));
            return Response::json(201, json{{"Id", res.id}, {"Warnings", res.warnings}}.dump());
        });
    });
    r.add("GET", "/containers/json", [&svc](Request &req) {
        return with_container_errors([&] {
            const int limit = int_query(req, "limit").value_or(-1);
            return Response::json(200, svc.list_json(req.query_value("filters"), req.query_bool("all"), limit,
                                                     req.query_bool("size")));
        });
    });
    r.add("GET", "/containers/{id}/json", [&svc](Request &req) {
        return with_container_errors(
            [&] { return Response::json(200, svc.inspect_json(req.params["id"], req.query_bool("size"))); });
    });
    r.add("POST", "/containers/{id}/start", [&svc](Request &req) {
        return with_container_errors([&] {
            if (!req.query_value("checkpoint").empty())
                throw ApiError(400, "checkpoint is not supported by this daemon");
            svc.start(req.params["id"]);
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/stop", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.stop(req.params["id"], int_query(req, "t"), req.query_value("signal"));
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/restart", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.restart(req.params["id"], int_query(req, "t"), req.query_value("signal"));
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/kill", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.kill(req.params["id"], req.query_value("signal"));
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/pause", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.pause(req.params["id"]);
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/unpause", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.unpause(req.params["id"]);
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/rename", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.rename(req.params["id"], req.query_value("name"));
            return Response::empty(204);
        });
    });
    r.add("DELETE", "/containers/{id}", [&svc](Request &req) {
        return with_container_errors([&] {
            if (req.query_bool("link")) throw ApiError(400, "legacy links are not supported");
            svc.remove(req.params["id"], req.query_bool("force"), req.query_bool("v"));
            return Response::empty(204);
        });
    });
    r.add("POST", "/containers/{id}/update", [&svc](Request &req) {
        return with_container_errors([&] { return Response::json(200, svc.update(req.params["id"], req.body)); });
    });
    r.add("GET", "/containers/{id}/top", [&svc](Request &req) {
        return with_container_errors(
            [&] { return Response::json(200, svc.top_json(req.params["id"], req.query_value("ps_args"))); });
    });
    r.add("POST", "/containers/{id}/resize", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.resize(req.params["id"], dimension(req, "h"), dimension(req, "w"));
            return Response::text(200, "");
        });
    });
    r.add("POST", "/containers/prune", [&svc](Request &req) {
        return with_container_errors([&] {
            // Refused here with dockerd's texts; the service applies them.
            const auto filters = Filters::parse(req.query_value("filters"), {"until", "label", "label!"});
            std::optional<std::chrono::system_clock::time_point> until;
            if (filters.has("until")) {
                const auto &v = filters.values("until");
                if (v.size() != 1) throw ApiError(400, "more than one until filter specified");
                until = parse_until(v.front());
            }
            return Response::json(200, svc.prune_json(req.query_value("filters"), until));
        });
    });
    r.add("POST", "/containers/{id}/exec", [&svc](Request &req) {
        return with_container_errors([&] {
            check_exec_body(req.body);
            const std::string id = svc.exec_create(req.params["id"], req.body);
            return Response::json(201, json{{"Id", id}}.dump());
        });
    });
    r.add("GET", "/exec/{id}/json", [&svc](Request &req) {
        return with_container_errors([&] { return Response::json(200, svc.exec_inspect_json(req.params["id"])); });
    });
    r.add("POST", "/exec/{id}/resize", [&svc](Request &req) {
        return with_container_errors([&] {
            svc.exec_resize(req.params["id"], dimension(req, "h"), dimension(req, "w"));
            return Response::text(200, "");
        });
    });
}

} // namespace berth::api
