// plugin_routes.h — GET /plugins (Docker's shape, with a "Berth" object
// holding what `berth plugin ls` shows) and the operator's hot-swap calls
// POST /berth/plugins/{name}/upgrade and /reload.
#pragma once

#include "api/router.h"
#include "daemon/daemon_context.h"

namespace berth::api {

void add_plugin_routes(Router &router, daemon::DaemonContext &ctx);

} // namespace berth::api
