// image_routes.h — the /images, /distribution and /auth endpoints.
#pragma once

#include "api/router.h"

namespace berth::daemon {
struct DaemonContext;
}
namespace berth::images {
class ImageService;
}

namespace berth::api {

void add_image_routes(Router &router, daemon::DaemonContext &ctx);
// Pull, push, import, save, load, /distribution, /auth (image_transfer_routes.cpp).
void add_image_transfer_routes(Router &router, daemon::DaemonContext &ctx);

// The daemon's image service, or ApiError 500 when no storage driver runs.
images::ImageService &image_service(daemon::DaemonContext &ctx);

} // namespace berth::api
