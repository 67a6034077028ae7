// system_routes.h — /_ping, /version, /info.
#pragma once

#include "api/router.h"
#include "daemon/daemon_context.h"

namespace berth::api {

void add_system_routes(Router &router, daemon::DaemonContext &ctx);

} // namespace berth::api
