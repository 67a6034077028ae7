// volume_routes.h — the /volumes endpoints (`docker volume create|ls|
// inspect|rm|prune`), over the daemon's VolumeService.
#pragma once

#include "api/router.h"

#include <cstdint>
#include <optional>
#include <string>

namespace berth::volumes {
class VolumeService;
struct Volume;
} // namespace berth::volumes

namespace berth::api {

void add_volume_routes(Router &router, volumes::VolumeService &svc);

// Docker's Volume object as JSON text: CreatedAt, Driver, Labels,
// Mountpoint, Name, Options, Scope, and UsageData only when given (it is
// `docker system df`'s; the /volumes endpoints never compute it).
struct VolumeUsage {
    int64_t size = -1;      // bytes; -1 = not computed
    int64_t ref_count = -1; // containers referencing it
};
std::string volume_json(const volumes::Volume &v, std::optional<VolumeUsage> usage = std::nullopt);

} // namespace berth::api
