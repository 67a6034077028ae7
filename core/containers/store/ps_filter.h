// ps_filter.h — `GET /containers/json`'s selection: the all/limit switches and
// the filters moby supports for `docker ps --filter` (status, name, id, label,
// ancestor, exited, before, since, health). Pure: the caller hands in the
// records and the lookups, so this needs neither the store's lock nor images.
#pragma once

#include "containers/store/container_record.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::containers {

struct PsOptions {
    bool all = false;
    int limit = 0; // > 0: only the newest N (and stopped ones count)
    // The API's decoded `filters` parameter: key -> values. Values of one key
    // are alternatives; different keys must all match.
    std::map<std::string, std::vector<std::string>> filters;
};

struct PsLookups {
    // before=/since= name a container (ID, name or prefix); throws NotFound.
    std::function<Container(const std::string &)> resolve_container;
    // ancestor= names an image; returns its ID ("sha256:..."), nullopt when unknown.
    std::function<std::optional<std::string>(const std::string &)> resolve_image;
};

// The containers to list, newest first. Throws InvalidArgument for an unknown
// filter or a bad value ("invalid filter 'status=x'"), NotFound for a
// before/since container that does not exist.
std::vector<Container> filter_containers(std::vector<Container> containers, const PsOptions &options,
                                         const PsLookups &lookups);

} // namespace berth::containers
