// volume_access.h — the volume service in the shape the container service
// asks for (containers::VolumeAccess: ensure, acquire, release, adopt,
// forget, copy_up as std::functions). A template filled by member name, so
// this directory does not depend on the container service's headers; the
// daemon instantiates it: make_volume_access<containers::VolumeAccess>(svc).
#pragma once

#include "volumes/copy_up.h"
#include "volumes/volume_service.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace berth::volumes {

template <class Access>
Access make_volume_access(VolumeService &svc) {
    using Map = std::map<std::string, std::string>;
    // `docker run -v name:/x` sends no maps: dockerd then shows null, not {}.
    auto given = [](const Map &m) { return m.empty() ? std::nullopt : std::optional<StringMap>(m); };
    Access a;
    a.ensure = [&svc, given](const std::string &name, const std::string &driver, const Map &opts, const Map &labels) {
        bool created = false;
        const auto v = svc.ensure(name, driver, given(labels), given(opts), &created);
        return std::pair<std::string, bool>(v.name, created);
    };
    a.acquire = [&svc](const std::string &name, const std::string &container_id) {
        return svc.acquire(name, container_id).string();
    };
    a.release = [&svc](const std::string &name, const std::string &container_id) { svc.release(name, container_id); };
    // At create and at berthd's start: a reference, no mount (a running
    // container's acquire after restore finds a surviving mount in place).
    a.adopt = [&svc](const std::string &name, const std::string &container_id) {
        svc.adopt(name, container_id, false);
    };
    a.forget = [&svc](const std::string &name, const std::string &container_id, bool remove_anonymous) {
        svc.dereference(name, container_id, remove_anonymous);
    };
    a.copy_up = [](const std::string &src_dir, const std::string &volume_path) { copy_up(src_dir, volume_path); };
    return a;
}

} // namespace berth::volumes
