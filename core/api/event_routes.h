// event_routes.h — GET /events: the daemon's event log as a stream of JSON
// objects, one per line, flushed per event.
#pragma once

#include "api/router.h"

#include <cstdint>
#include <string>

namespace berth::events {
class EventLog;
}

namespace berth::api {

void add_event_routes(Router &router, events::EventLog &log);

// since/until as the API takes them: "<seconds>[.<nanos>]" (what the docker
// CLI sends) or RFC 3339. "" gives 0 (none); anything else malformed
// throws ApiError 400.
int64_t parse_event_time(const std::string &value, const char *what);

} // namespace berth::api
