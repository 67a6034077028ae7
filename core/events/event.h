// event.h — one entry of the daemon's event log, as moby's events.Message:
// what happened (Type, Action), to what (Actor ID and attributes), when.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace berth::events {

struct Event {
    std::string type;   // "container", "image", "network", "volume", "plugin", "daemon"
    std::string action; // "start", "die", "exec_start: sh -c ls", "health_status: healthy", ...
    std::string actor_id;
    std::map<std::string, std::string> attributes;
    std::string scope = "local";
    int64_t time_nano = 0; // set by EventLog::publish
};

// The /events JSON object for one event: Type, Action, Actor, scope, time,
// timeNano, and the legacy status/id/from that moby still fills for
// container and image events (from = the container's image attribute).
std::string event_json(const Event &event);

} // namespace berth::events
