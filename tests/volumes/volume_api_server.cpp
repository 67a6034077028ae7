// volume_api_server — the /volumes routes alone behind berthd's HTTP
// server, so volume_cli.sh can drive them with the stock docker CLI before
// (and independently of) the rest of the daemon. Also answers /_ping, and
// POST /test/reference|dereference?volume=&container= to stand in for the
// container service.
//
// usage: volume_api_server <data-root> <socket-path>; runs until SIGTERM.
#include "api/http_server.h"
#include "api/volume_routes.h"
#include "volumes/volume_service.h"

#include <csignal>
#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DATA_ROOT SOCKET\n", argv[0]);
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    try {
        berth::volumes::VolumeService svc(argv[1]);
        berth::api::Router router;
        auto ping = [](berth::api::Request &) { return berth::api::Response::text(200, "OK"); };
        router.add("GET", "/_ping", ping);
        router.add("HEAD", "/_ping", ping);
        router.add("POST", "/test/reference", [&svc](berth::api::Request &r) {
            svc.reference(r.query_value("volume"), r.query_value("container"));
            return berth::api::Response::empty(204);
        });
        router.add("POST", "/test/dereference", [&svc](berth::api::Request &r) {
            svc.dereference(r.query_value("volume"), r.query_value("container"));
            return berth::api::Response::empty(204);
        });
        berth::api::add_volume_routes(router, svc);
        berth::api::HttpServer server(router, {});
        server.listen(std::string("unix://") + argv[2]);
        server.start();
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "volume_api_server: %s\n", e.what());
        return 1;
    }
    return 0;
}
