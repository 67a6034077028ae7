// container_fs_routes.h — the endpoints that read or write a container's
// filesystem: HEAD/GET/PUT /containers/{id}/archive (docker cp),
// GET /containers/{id}/export, GET /containers/{id}/changes (docker diff)
// and POST /commit. The container service supplies the provider; these
// routes never see the container store or the storage driver.
#pragma once

#include "api/router.h"
#include "containers/archive/container_fs.h"

namespace berth::images {
class ImageService;
}

namespace berth::api {

// images and the provider must outlive the router.
void add_container_fs_routes(Router &r, images::ImageService &images, containers::ContainerFsProvider provider);

} // namespace berth::api
