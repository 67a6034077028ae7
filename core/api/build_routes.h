// build_routes.h — POST /build (the legacy builder, as the docker CLI uses
// it with DOCKER_BUILDKIT=0 and docker-py always) and POST /build/prune
// (no build cache beyond intermediate images: nothing to prune there).
#pragma once

#include "api/router.h"

namespace berth::daemon {
struct DaemonContext;
}

namespace berth::api {

void add_build_routes(Router &router, daemon::DaemonContext &ctx);

} // namespace berth::api
