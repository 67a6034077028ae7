// system_routes.h — /_ping, /version, /info, and /system/df (system_df_routes.h).
#pragma once

#include "api/router.h"
#include "daemon/daemon_context.h"

namespace berth::api {

void add_system_routes(Router &router, daemon::DaemonContext &ctx);

} // namespace berth::api
