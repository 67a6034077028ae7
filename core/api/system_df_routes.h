// system_df_routes.h — GET /system/df (`docker system df`): what images,
// containers, volumes and the build cache take on disk, in moby's
// types.DiskUsage shape.
#pragma once

#include "api/router.h"
#include "daemon/daemon_context.h"

namespace berth::api {

void add_system_df_routes(Router &router, daemon::DaemonContext &ctx);

} // namespace berth::api
