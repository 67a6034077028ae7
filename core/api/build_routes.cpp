// build_routes.cpp — POST /build: Docker's query parameters in, the
// context tar streamed from the request body into the build engine, and
// Docker's JSON stream out ("stream" text, pull progress, "aux" {"ID"},
// errorDetail with the failed RUN's exit code). Bad tags and parameters
// are refused with 400 before the stream starts.
#include "api/build_routes.h"

#include "api/body_feeder.h"
#include "api/image_errors.h"
#include "api/image_routes.h"
#include "api/progress_stream.h"
#include "build/engine/builder.h"
#include "daemon/daemon_context.h"
#include "distribution/puller.h"
#include "images/errors.h"
#include "images/fs_util.h"
#include "images/image_service.h"
#include "images/reference.h"
#include "registry/base64.h"
#include "registry/platform.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace berth::api {
namespace {

using nlohmann::json;

json query_json(const Request &req, const std::string &key) {
    const std::string text = req.query_value(key);
    if (text.empty()) return json::object();
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !(j.is_object() || j.is_null()))
        throw ApiError(400, "invalid " + key + " parameter: " + text);
    return j.is_null() ? json::object() : j;
}

// X-Registry-Config: {"<registry>": {"username","password",...}}, base64url.
registry::Credentials credentials_for(const std::string &config_header, const std::string &domain) {
    registry::Credentials creds;
    if (config_header.empty()) return creds;
    const auto decoded = registry::detail::base64_decode(config_header);
    if (!decoded) return creds;
    const auto j = json::parse(*decoded, nullptr, false);
    if (!j.is_object()) return creds;
    for (const auto &[key, auth] : j.items()) {
        std::string host = key;
        for (const char *prefix : {"https://", "http://"})
            if (host.rfind(prefix, 0) == 0) host = host.substr(std::string(prefix).size());
        host = host.substr(0, host.find('/'));
        const bool hub = domain == "docker.io" && (host == "index.docker.io" || host == "registry-1.docker.io");
        if ((host == domain || hub) && auth.is_object()) {
            creds.username = auth.value("username", std::string());
            creds.password = auth.value("password", std::string());
            creds.identity_token = auth.value("identitytoken", std::string());
            creds.registry_token = auth.value("registrytoken", std::string());
        }
    }
    return creds;
}

build::BuildOptions parse_options(const Request &req) {
    build::BuildOptions o;
    if (!req.query_value("remote").empty())
        throw ApiError(400, "remote build contexts (URLs, git) are not supported: send the context as a tar");
    for (auto [it, end] = req.query_all.equal_range("t"); it != end; ++it) {
        const auto ref = images::parse_normalized_named(it->second); // InvalidReference → 400
        if (ref.digested()) throw ApiError(400, "invalid reference format: digests cannot be build tags");
        o.tags.push_back(it->second);
    }
    if (const auto f = req.query_value("dockerfile"); !f.empty()) o.dockerfile = f;
    // Named: items() of a temporary would outlive it.
    const json build_args = query_json(req, "buildargs"), labels = query_json(req, "labels");
    for (const auto &[k, v] : build_args.items())
        o.build_args[k] = v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
    for (const auto &[k, v] : labels.items())
        o.labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
    o.target = req.query_value("target");
    o.no_cache = req.query_bool("nocache");
    o.pull = req.query_bool("pull");
    o.remove = req.query.count("rm") ? req.query_bool("rm") : true;
    o.force_remove = req.query_bool("forcerm");
    o.quiet = req.query_bool("q");
    o.network_mode = req.query_value("networkmode");
    if (o.network_mode == "default") o.network_mode.clear();
    o.platform = req.query_value("platform");
    for (auto [it, end] = req.query_all.equal_range("extrahosts"); it != end; ++it)
        if (!it->second.empty()) o.extra_hosts.push_back(it->second);
    if (const auto shm = req.query_value("shmsize"); !shm.empty()) {
        try {
            o.shm_size = std::stoll(shm);
        } catch (const std::exception &) {
            throw ApiError(400, "invalid shmsize: " + shm);
        }
    }
    o.registry_config_json = req.header("x-registry-config");
    return o;
}

Response build(daemon::DaemonContext &ctx, Request &req) {
    auto &images = image_service(ctx);
    if (!ctx.containers) throw ApiError(500, "builds need containers, and no exec driver is running");
    if (!req.body_reader) throw ApiError(400, "build needs the context tar as the request body");
    const build::BuildOptions options = parse_options(req);

    build::BuildServices services;
    services.images = &images;
    services.containers = ctx.containers.get();
    services.scratch_dir = (ctx.config.data_root / "build").string();
    images::fsx::make_dirs(services.scratch_dir);
    const std::string registry_config = options.registry_config_json;
    services.pull = [&ctx, registry_config](const images::Reference &ref, const std::string &platform,
                                            distribution::ProgressSink &progress) {
        distribution::PullOptions pull;
        pull.reference = ref;
        pull.max_concurrent_downloads = ctx.config.max_concurrent_downloads;
        pull.credentials = credentials_for(registry_config, ref.domain);
        if (!platform.empty()) pull.platform = registry::parse_platform(platform);
        auto plan = ctx.puller->prepare(pull);
        ctx.puller->run(*plan, progress);
    };

    auto reader = req.body_reader;
    Response r;
    r.status = 200;
    r.content_type = "application/json";
    r.stream = [services, options, reader](ResponseStream &out) {
        JsonProgressStream progress(out);
        BodyFeeder body(reader);
        try {
            const std::string id = build::run_build(services, options, body.fd(), progress);
            if (options.quiet) progress.send({.stream = id + "\n"});
        } catch (const ClientGone &) {
            spdlog::info("build: the client went away; build stopped");
        } catch (const build::BuildFailed &e) {
            progress.error(e.what(), e.exit_code());
        } catch (const std::exception &e) {
            progress.error(e.what());
        }
        if (auto e = body.finish(); !e.empty()) spdlog::info("build: reading the context: {}", e);
    };
    return r;
}

} // namespace

void add_build_routes(Router &router, daemon::DaemonContext &ctx) {
    // Contexts of builds a crash interrupted.
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(ctx.config.data_root / "build", ec))
        images::fsx::remove_tree(entry.path());
    router.add_streaming_body("POST", "/build",
                              [&ctx](Request &req) { return with_image_errors([&] { return build(ctx, req); }); });
    router.add("POST", "/build/prune", [](Request &) {
        return Response::json(200, R"({"CachesDeleted":[],"SpaceReclaimed":0})");
    });
}

} // namespace berth::api
