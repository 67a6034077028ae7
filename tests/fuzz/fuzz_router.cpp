// fuzz_router.cpp — libFuzzer target for the whole request pipeline short of
// I/O: one framed request (see request_framing.h) through Router::dispatch
// on a router with berthd's real system, plugin, image, volume and network
// routes over the harness's services (fuzz_services.h). Container routes
// need an exec driver and are not registered: /containers/... answers 404
// here; the container create body is fuzz_json_decoding's job.
//
// Every input must produce a response whose status is 200..599, without a
// crash, a sanitizer report, a leak or a hang.
#include "fuzz_services.h"
#include "request_framing.h"

#include "api/api_version.h"
#include "api/image_routes.h"
#include "api/network_routes.h"
#include "api/plugin_routes.h"
#include "api/router.h"
#include "api/system_routes.h"
#include "api/volume_routes.h"
#include "images/image_service.h"
#include "network/container_hooks.h"
#include "network/network_service.h"
#include "volumes/volume_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace {

using namespace berth;

// Routes the harness does not run: they reach a registry over the network
// (pull, push, distribution inspect, login) or load a plugin file named by
// the request. Matched with the router's own patterns, so no spelling of a
// target (version prefix, %-escapes) gets past them.
api::Router make_refused_routes() {
    api::Router refused;
    const auto none = [](api::Request &) { return api::Response::empty(204); };
    refused.add("POST", "/images/create", none);
    refused.add("POST", "/images/{name:.+}/push", none);
    refused.add("GET", "/distribution/{name:.+}/json", none);
    refused.add("POST", "/auth", none);
    refused.add("POST", "/berth/plugins/{name}/upgrade", none);
    refused.add("POST", "/berth/plugins/{name}/reload", none);
    return refused;
}

bool refused(const api::Router &refused_routes, const api::Request &request) {
    try {
        const auto split = api::split_target(request.target);
        const auto m = refused_routes.match(request.method, split.path);
        return m && m->handler != nullptr;
    } catch (const std::exception &) {
        return false; // a malformed target: dispatch answers it
    }
}

// Takes what a streamed response writes; a client that sends nothing more.
class DiscardingStream : public api::ResponseStream {
public:
    bool write(std::string_view) override { return true; }
    size_t read_some(char *, size_t) override { return 0; }
};

// The daemon's state for a run of inputs. Rebuilt every kInputsPerDaemon
// inputs so what earlier inputs created (volumes, networks, tags) stays
// small and each run starts from the same state.
struct Daemon {
    explicit Daemon(const std::filesystem::path &root) : ctx(fuzz::make_daemon_context(root)) {
        fuzz::add_fuzz_image(*ctx->images, "fuzz/base:1");
        api::add_system_routes(router, *ctx);
        api::add_plugin_routes(router, *ctx);
        api::add_image_routes(router, *ctx);
        api::add_volume_routes(router, *ctx->volumes);
        api::add_network_routes(router, *ctx->networks, hooks);
    }
    std::unique_ptr<daemon::DaemonContext> ctx;
    network::ContainerHooks hooks; // empty: connect/disconnect answer an error
    api::Router router;
};

constexpr int kInputsPerDaemon = 512;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const bool quiet = [] {
        spdlog::set_level(spdlog::level::off); // 500s log an error each
        return true;
    }();
    (void)quiet;
    static const api::Router refused_routes = make_refused_routes();
    static std::unique_ptr<Daemon> daemon;
    static int inputs = 0;
    if (!daemon || ++inputs % kInputsPerDaemon == 0) {
        daemon.reset();
        std::error_code ec;
        std::filesystem::remove_all(fuzz::scratch_root() / "router", ec);
        daemon = std::make_unique<Daemon>(fuzz::scratch_root() / "router");
    }

    api::Request request = fuzz::parse_framed_request(
        std::string_view(reinterpret_cast<const char *>(data), size));
    if (refused(refused_routes, request)) return 0;
    if (daemon->router.streams_body(request.method, request.target)) {
        // As the server does for such routes: the body arrives through a reader.
        auto body = std::make_shared<std::string>(std::move(request.body));
        auto offset = std::make_shared<size_t>(0);
        request.body.clear();
        request.body_reader = [body, offset](char *out, size_t len) -> size_t {
            const size_t n = std::min(len, body->size() - *offset);
            body->copy(out, n, *offset);
            *offset += n;
            return n;
        };
    }

    api::Response response = daemon->router.dispatch(request);
    if (response.status < 200 || response.status > 599) {
        std::fprintf(stderr, "fuzz_router: status %d for %s %s\n", response.status, request.method.c_str(),
                     request.target.c_str());
        std::abort();
    }
    // For corpus work: BERTH_FUZZ_VERBOSE=1 prints what each input got.
    static const bool verbose = std::getenv("BERTH_FUZZ_VERBOSE") != nullptr;
    if (verbose)
        std::fprintf(stderr, "%d %s %s %.200s\n", response.status, request.method.c_str(), request.target.c_str(),
                     response.body.c_str());
    if (response.stream) {
        DiscardingStream out;
        try {
            response.stream(out);
        } catch (const std::exception &) {
            // The server ends the connection the same way.
        }
    }
    return 0;
}
