// network_routes.h — the /networks endpoints (`docker network create|ls|
// inspect|rm|prune|connect|disconnect`), over the daemon's NetworkService.
#pragma once

#include "api/router.h"

namespace berth::network {
class NetworkService;
struct ContainerHooks;
} // namespace berth::network

namespace berth::api {

// hooks is read at each connect/disconnect request (so the container
// service may fill it in after the routes are added); it must outlive the
// router.
void add_network_routes(Router &router, network::NetworkService &svc, const network::ContainerHooks &hooks);

} // namespace berth::api
