// fuzz_json_decoding.cpp — libFuzzer target for the decoders of request
// bodies and the small encodings inside requests. The input is one body,
// handed to each of them:
//   - POST /containers/create's body → containers::parse_create_request
//     (Config merged over a layerless image, HostConfig, mounts, restart
//     policy, log config, NetworkingConfig)
//   - POST /networks/create and POST /volumes/create, through their routes
//     (the decoders live inside the route files); what gets created is
//     removed again
//   - the `filters` query parameter (api::Filters::parse) and prune's
//     `until` (api::parse_until)
//   - X-Registry-Auth: the input as the header, and base64url-encoded so
//     the JSON inside is reached too
//   - image references and platform specs (query parameters of many routes)
//
// A decoder may refuse its input only with the project's typed errors,
// and only with a 400-class status as the routes would answer it; anything
// else (a 500, a stray std::exception, a crash) aborts.
#include "fuzz_services.h"

#include "api/filters.h"
#include "api/http_types.h"
#include "api/image_errors.h"
#include "api/network_routes.h"
#include "api/router.h"
#include "api/volume_routes.h"
#include "containers/service/create_config.h"
#include "images/image_service.h"
#include "images/reference.h"
#include "network/container_hooks.h"
#include "network/network_service.h"
#include "registry/base64.h"
#include "registry/platform.h"
#include "registry/registry_auth_header.h"
#include "volumes/volume_service.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

namespace {

using namespace berth;

[[noreturn]] void fail(const char *decoder, int status, const std::string &message) {
    std::fprintf(stderr, "fuzz_json_decoding: %s answered %d: %s\n", decoder, status, message.c_str());
    std::abort();
}

// Runs one decoder; a refusal must map (as the routes map it) to 4xx.
void decode(const char *decoder, const std::function<void()> &fn) {
    try {
        fn();
    } catch (...) {
        const api::ApiError e = api::image_api_error(std::current_exception());
        if (e.status() < 400 || e.status() > 499) fail(decoder, e.status(), e.what());
    }
}

// A route's answer to a body: success or 4xx; anything created is removed.
void create_through_route(const char *decoder, api::Router &router, const std::string &create_target,
                          const std::string &delete_prefix, const char *id_key, const std::string &body) {
    api::Request request;
    request.method = "POST";
    request.target = create_target;
    request.body = body;
    const api::Response response = router.dispatch(request);
    if (response.status == 201) {
        const auto reply = nlohmann::json::parse(response.body, nullptr, false);
        if (!reply.is_object() || !reply.contains(id_key) || !reply[id_key].is_string())
            fail(decoder, response.status, "a 201 without " + std::string(id_key) + ": " + response.body);
        api::Request remove;
        remove.method = "DELETE";
        remove.target = delete_prefix + reply[id_key].get<std::string>();
        const api::Response removed = router.dispatch(remove);
        if (removed.status >= 300) fail(decoder, removed.status, "removing what it made: " + removed.body);
        return;
    }
    if (response.status < 400 || response.status > 499) fail(decoder, response.status, response.body);
}

// The services the create decoders need, in a scratch data root. Rebuilt
// every kInputsPerState inputs so anything left behind stays small.
struct State {
    explicit State(const std::filesystem::path &root) : ctx(fuzz::make_daemon_context(root)) {
        fuzz::add_fuzz_image(*ctx->images, "fuzz/base:1");
        container_config.default_log_driver = "json-file";
        container_config.default_runtime = "runc";
        api::add_network_routes(router, *ctx->networks, hooks);
        api::add_volume_routes(router, *ctx->volumes);
    }
    std::unique_ptr<daemon::DaemonContext> ctx;
    containers::ContainerServiceConfig container_config;
    network::ContainerHooks hooks;
    api::Router router;
};

constexpr int kInputsPerState = 1024;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const bool quiet = [] {
        spdlog::set_level(spdlog::level::off);
        return true;
    }();
    (void)quiet;
    static std::unique_ptr<State> state;
    static int inputs = 0;
    if (!state || ++inputs % kInputsPerState == 0) {
        state.reset();
        std::error_code ec;
        std::filesystem::remove_all(fuzz::scratch_root() / "decoding", ec);
        state = std::make_unique<State>(fuzz::scratch_root() / "decoding");
    }
    const std::string body(reinterpret_cast<const char *>(data), size);

    decode("container create", [&] {
        (void)containers::parse_create_request(body, "", *state->ctx->images, state->container_config);
    });
    create_through_route("network create", state->router, "/v1.44/networks/create", "/v1.44/networks/", "Id", body);
    create_through_route("volume create", state->router, "/v1.44/volumes/create", "/v1.44/volumes/", "Name", body);
    decode("filters", [&] {
        (void)api::Filters::parse(body, {"label", "name", "id", "dangling", "until", "driver", "type", "scope"});
    });
    decode("until", [&] { (void)api::parse_until(body); });
    decode("X-Registry-Auth", [&] { (void)registry::decode_registry_auth(body); });
    decode("X-Registry-Auth (encoded)",
           [&] { (void)registry::decode_registry_auth(registry::detail::base64_encode(body)); });
    decode("image reference", [&] { (void)images::parse_normalized_named(body); });
    decode("platform", [&] { (void)registry::parse_platform(body); });
    return 0;
}
