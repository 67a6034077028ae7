// The image endpoints that move bytes: pull and import (/images/create),
// push, save (/images/get), load, plus /distribution and /auth. Whatever can
// be refused up front (bad name, unknown tag, no such local image) is
// refused with a plain status before the progress stream starts; later
// failures go into the stream as errorDetail.
#include "api/image_errors.h"
#include "api/body_feeder.h"
#include "api/image_routes.h"
#include "api/progress_stream.h"
#include "daemon/daemon_context.h"
#include "distribution/puller.h"
#include "events/event_log.h"
#include "distribution/pusher.h"
#include "images/archive/archive.h"
#include "images/decompress.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/import_changes.h"
#include "images/reference.h"
#include "registry/errors.h"
#include "registry/platform.h"
#include "registry/registry_auth_header.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>


namespace berth::api {
namespace {

using nlohmann::json;

registry::Credentials request_credentials(const Request &req) {
    return registry::decode_registry_auth(req.header("x-registry-auth")).credentials;
}

// Runs op with a JSON progress stream; a failure after the head went out
// becomes the stream's errorDetail.
Response progress_response(std::function<void(JsonProgressStream &)> op) {
    Response r;
    r.status = 200;
    r.content_type = "application/json";
    r.stream = [op = std::move(op)](ResponseStream &out) {
        JsonProgressStream progress(out);
        try {
            op(progress);
        } catch (const ClientGone &) {
            spdlog::info("client went away; operation stopped");
        } catch (const std::exception &e) {
            progress.error(e.what());
        }
    };
    return r;
}

// moby's translatePullError: "not found" and "denied" from the registry
// name the reference, so `docker pull host/nope` says what was missing.
[[noreturn]] void throw_pull_error(const registry::RegistryError &e, const images::Reference &ref) {
    const std::string code = e.entries().empty() ? "" : e.entries().front().code;
    std::string prefix;
    if (code == "MANIFEST_UNKNOWN")
        prefix = "manifest for " + ref.familiar_string() + " not found: ";
    else if (code == "NAME_UNKNOWN")
        prefix = "repository " + ref.familiar_name() + " not found: ";
    else if (code == "DENIED")
        prefix = "pull access denied for " + ref.familiar_name() +
                 ", repository does not exist or may require 'docker login': ";
    // Statuses as moby's translatePullError leaves them: denied and unknown
    // names are 404 ("not found"); an UNAUTHORIZED reply is a plain 500,
    // never 401, which would make the docker CLI prompt for a login.
    if (e.category() == registry::ErrorCategory::Denied) throw ApiError(404, prefix + e.what());
    if (e.category() == registry::ErrorCategory::Unauthorized) throw ApiError(500, prefix + e.what());
    throw registry::RegistryError(e.category(), prefix + e.what(), e.registry_status(), e.entries());
}

// pull: fromImage + tag (a digest travels in tag) + platform.
Response pull_image(daemon::DaemonContext &ctx, Request &req) {
    image_service(ctx);
    auto ref = images::parse_normalized_named(req.query_value("fromImage"));
    const std::string tag = req.query_value("tag");
    if (!tag.empty()) {
        if (tag.find(':') != std::string::npos)
            ref = ref.trimmed().with_digest(tag);
        else
            ref = ref.trimmed().with_tag(tag);
    }
    distribution::PullOptions options;
    options.reference = ref;
    options.max_concurrent_downloads = ctx.config.max_concurrent_downloads;
    options.credentials = request_credentials(req);
    if (const auto p = req.query_value("platform"); !p.empty()) options.platform = registry::parse_platform(p);
    std::shared_ptr<distribution::Puller::Plan> plan;
    try {
        plan = ctx.puller->prepare(options);
    } catch (const registry::RegistryError &e) {
        throw_pull_error(e, ref);
    }
    return progress_response([&ctx, plan, ref](JsonProgressStream &progress) {
        ctx.puller->run(*plan, progress);
        ctx.events->log("image", "pull", ref.familiar_string(), {{"name", ref.familiar_name()}});
    });
}

// import: fromSrc=- with the rootfs tar (plain or compressed) as the body.
Response import_image(daemon::DaemonContext &ctx, Request &req) {
    auto &svc = image_service(ctx);
    if (req.query_value("fromSrc") != "-")
        throw ApiError(400, "importing from a URL is not supported: send the tar as the body with fromSrc=-");
    if (!req.body_reader) throw ApiError(400, "import needs the root filesystem tar as the request body");
    images::ImportOptions options;
    std::vector<std::string> changes;
    for (auto [it, end] = req.query_all.equal_range("changes"); it != end; ++it) changes.push_back(it->second);
    options.config_json = images::apply_config_changes("{}", changes);
    options.comment = req.query_value("message");
    if (options.comment.empty()) options.comment = "Imported from -";
    if (const auto p = req.query_value("platform"); !p.empty()) options.platform = registry::parse_platform(p);
    if (const auto repo = req.query_value("repo"); !repo.empty()) {
        auto ref = images::parse_normalized_named(repo);
        if (ref.digested()) throw ApiError(400, "cannot import with a digest reference");
        if (const auto tag = req.query_value("tag"); !tag.empty()) ref = ref.with_tag(tag);
        options.tag = ref.tag_name_only();
    }
    auto reader = req.body_reader;
    return progress_response([&svc, options, reader](JsonProgressStream &progress) mutable {
        BodyFeeder body(reader);
        images::DecompressPipe tar(body.fd(), "imported tar");
        std::string id;
        try {
            id = svc.import_rootfs(tar.fd(), options);
        } catch (...) {
            tar.finish();
            if (auto e = body.finish(); !e.empty()) throw std::runtime_error(e);
            throw;
        }
        tar.finish();
        if (auto e = body.finish(); !e.empty()) throw std::runtime_error(e);
        progress.status("", id);
    });
}

Response push_image(daemon::DaemonContext &ctx, Request &req) {
    auto &svc = image_service(ctx);
    distribution::PushOptions options;
    options.repository = req.params["name"];
    const auto ref = images::parse_normalized_named(options.repository);
    if (ref.digested()) throw ApiError(400, "cannot push a digest reference");
    if (const auto tag = req.query_value("tag"); !tag.empty()) options.tag = tag;
    // Refuse an unknown local image now, while a status code can say so.
    // (moby's wording for both: a repository with no image at all, and a
    // missing tag of one that exists.)
    const auto local = options.tag ? ref.trimmed().with_tag(*options.tag) : ref;
    bool repository_known = false;
    for (const auto &[r, id] : svc.references().list())
        if (r.name() == ref.name()) repository_known = true;
    if (!repository_known)
        throw ApiError(404, "An image does not exist locally with the tag: " + ref.trimmed().familiar_name());
    if (!local.name_only() && !svc.references().get(local))
        throw ApiError(404, "tag does not exist: " + local.familiar_string());
    options.credentials = request_credentials(req);
    return progress_response([&ctx, &svc, options, local](JsonProgressStream &progress) {
        distribution::push_image(svc, *ctx.registry_access, *ctx.blob_sources, options, progress);
        ctx.events->log("image", "push", local.familiar_string(), {{"name", local.familiar_name()}});
    });
}

// GET /distribution/{name}/json: what a reference resolves to remotely.
Response distribution_inspect(daemon::DaemonContext &ctx, Request &req) {
    const auto ref = images::parse_normalized_named(req.params["name"]).tag_name_only();
    auto client = ctx.registry_access->client(ref.domain, request_credentials(req));
    const auto m = client->get_manifest(ref.path, ref.digested() ? ref.digest : ref.tag);
    json out;
    out["Descriptor"] = {{"mediaType", m.media_type}, {"digest", m.digest}, {"size", m.bytes.size()}};
    json platforms = json::array();
    auto platform_json = [](const registry::Platform &p) {
        json j = {{"architecture", p.architecture}, {"os", p.os}};
        if (!p.variant.empty()) j["variant"] = p.variant;
        return j;
    };
    if (registry::manifest_kind(m.media_type) == registry::ManifestKind::Index) {
        for (const auto &d : registry::parse_manifest_index(m.bytes, m.media_type).manifests)
            if (d.platform && d.platform->os != "unknown") platforms.push_back(platform_json(*d.platform));
    } else {
        const auto manifest = registry::parse_image_manifest(m.bytes, m.media_type);
        const auto cfg = json::parse(client->fetch_blob_bytes(ref.path, manifest.config), nullptr, false);
        if (cfg.is_object()) {
            registry::Platform p;
            p.os = cfg.value("os", "");
            p.architecture = cfg.value("architecture", "");
            p.variant = cfg.value("variant", "");
            platforms.push_back(platform_json(p));
        }
    }
    out["Platforms"] = platforms;
    return Response::json(200, out.dump());
}

// POST /auth: check a login against the registry.
Response auth(daemon::DaemonContext &ctx, Request &req) {
    const auto body = json::parse(req.body.empty() ? "{}" : req.body);
    registry::Credentials creds;
    creds.username = body.value("username", "");
    creds.password = body.value("password", "");
    creds.identity_token = body.value("identitytoken", "");
    std::string server = body.value("serveraddress", "");
    // "https://index.docker.io/v1/" and "http://host:5000/" name registries too.
    if (const auto scheme = server.find("://"); scheme != std::string::npos) server = server.substr(scheme + 3);
    if (const auto slash = server.find('/'); slash != std::string::npos) server = server.substr(0, slash);
    if (server.empty() || server == "index.docker.io" || server == "registry-1.docker.io") server = "docker.io";
    auto client = ctx.registry_access->client(server, creds);
    client->login();
    return Response::json(200, json{{"Status", "Login Succeeded"}, {"IdentityToken", ""}}.dump());
}

// Every name `docker save` was given must exist: a bare repository name is
// fine when any tag of it does.
void check_save_names(images::ImageService &svc, const std::vector<std::string> &names) {
    for (const auto &name : names) {
        try {
            svc.resolve(name);
            continue;
        } catch (const images::NotFound &) {
        } catch (const images::InvalidArgument &) {
        }
        bool found = false;
        try {
            const auto ref = images::parse_normalized_named(name);
            if (ref.name_only())
                for (const auto &[r, id] : svc.references().list())
                    if (r.name() == ref.name()) found = true;
        } catch (const images::Error &) {
        }
        if (!found) svc.resolve(name); // throws dockerd's "No such image" for it
    }
}

// moby logs save and load under the image ID, named by it too.
void publish_image_event(daemon::DaemonContext &ctx, images::ImageService &svc, const std::string &action,
                         const std::string &name) {
    try {
        const std::string id = svc.resolve(name).id;
        ctx.events->log("image", action, id, {{"name", id}});
    } catch (const std::exception &) {
        // A bare repository name saves all its tags; they are named alone.
    }
}

Response save(daemon::DaemonContext &ctx, std::vector<std::string> names) {
    auto &svc = image_service(ctx);
    if (names.empty()) throw ApiError(400, "no image names given to save");
    check_save_names(svc, names);
    Response r;
    r.status = 200;
    r.content_type = "application/x-tar";
    r.stream = [&ctx, &svc, names](ResponseStream &out) {
        try {
            images::archive::save_images(svc, names, [&out](const char *data, size_t len) {
                if (!out.write(std::string_view(data, len))) throw ClientGone();
            });
            for (const auto &name : names) publish_image_event(ctx, svc, "save", name);
        } catch (const ClientGone &) {
            spdlog::info("save: client went away");
        } catch (const std::exception &e) {
            // The tar is already under way: all we can do is end it short,
            // which the client sees as a truncated archive.
            spdlog::error("save of {} failed: {}", names.front(), e.what());
        }
    };
    return r;
}

Response load(daemon::DaemonContext &ctx, Request &req) {
    auto &svc = image_service(ctx);
    if (!req.body_reader) throw ApiError(400, "load needs the image archive as the request body");
    const bool quiet = req.query_bool("quiet");
    auto reader = req.body_reader;
    return progress_response([&ctx, &svc, reader, quiet](JsonProgressStream &progress) {
        const auto result = images::archive::load_images(svc, reader, progress, quiet);
        for (const auto &name : result.loaded) publish_image_event(ctx, svc, "load", name);
    });
}

} // namespace

void add_image_transfer_routes(Router &router, daemon::DaemonContext &ctx) {
    // Streaming body: an import's tar can be larger than memory.
    router.add_streaming_body("POST", "/images/create", [&ctx](Request &req) {
        return with_image_errors([&] {
            if (!req.query_value("fromSrc").empty()) return import_image(ctx, req);
            if (req.query_value("fromImage").empty())
                throw ApiError(400, "fromImage or fromSrc must be given");
            return pull_image(ctx, req);
        });
    });
    router.add("POST", "/images/{name:.+}/push", [&ctx](Request &req) {
        return with_image_errors([&] { return push_image(ctx, req); });
    });
    router.add("GET", "/distribution/{name:.+}/json", [&ctx](Request &req) {
        return with_image_errors([&] { return distribution_inspect(ctx, req); });
    });
    router.add("POST", "/auth", [&ctx](Request &req) { return with_image_errors([&] { return auth(ctx, req); }); });
    router.add("GET", "/images/get", [&ctx](Request &req) {
        return with_image_errors([&] {
            std::vector<std::string> names;
            for (auto [it, end] = req.query_all.equal_range("names"); it != end; ++it) names.push_back(it->second);
            return save(ctx, names);
        });
    });
    router.add("GET", "/images/{name:.+}/get", [&ctx](Request &req) {
        return with_image_errors([&] { return save(ctx, {req.params["name"]}); });
    });
    router.add_streaming_body("POST", "/images/load", [&ctx](Request &req) {
        return with_image_errors([&] { return load(ctx, req); });
    });
}

} // namespace berth::api
