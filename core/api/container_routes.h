// container_routes.h — /containers/* and /exec/*: request parsing and status
// mapping over the container service (core/containers/service). The
// streaming and hijacked endpoints (attach, logs, wait, stats, exec start)
// are in container_stream_routes.cpp.
#pragma once

#include "api/router.h"

namespace berth::containers {
class ContainerService;
}

namespace berth::api {

void add_container_routes(Router &router, containers::ContainerService &service);
void add_container_stream_routes(Router &router, containers::ContainerService &service);

// Handler body with the container service's exceptions mapped to Docker's
// statuses (AlreadyInState → 304 with no body).
Response with_container_errors(const std::function<Response()> &fn);

} // namespace berth::api
