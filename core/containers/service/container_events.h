// container_events.h — container events as dockerd logs them
// (LogContainerEventWithAttributes): the container's labels, then its
// image and name, then the action's own attributes.
#pragma once

#include <map>
#include <string>

namespace berth::events {
class EventLog;
}

namespace berth::containers {

struct Container;

// Does nothing when log is null (unit tests, a service without events).
void publish_container_event(events::EventLog *log, const Container &c, const std::string &action,
                             std::map<std::string, std::string> attributes = {});

// Volume mount/unmount for one of c's volume mount points (moby's
// LogVolumeEvent from the container's mount code).
void publish_volume_use(events::EventLog *log, const Container &c, const std::string &volume_name, bool mounted);

} // namespace berth::containers
