// container_events.cpp — the attributes moby puts on container and volume
// events, taken from the container record.
#include "containers/service/container_events.h"

#include "containers/store/container_record.h"
#include "events/event_log.h"

namespace berth::containers {

void publish_container_event(events::EventLog *log, const Container &c, const std::string &action,
                             std::map<std::string, std::string> attributes) {
    if (!log) return;
    // The action's attributes win over labels of the same name, as in moby
    // (copyAttributes fills only missing keys).
    for (const auto &[k, v] : c.labels()) attributes.emplace(k, v);
    if (!c.image_name.empty()) attributes["image"] = c.image_name;
    attributes["name"] = c.name.empty() || c.name[0] != '/' ? c.name : c.name.substr(1);
    log->log("container", action, c.id, std::move(attributes));
}

void publish_volume_use(events::EventLog *log, const Container &c, const std::string &volume_name, bool mounted) {
    if (!log) return;
    for (const auto &m : c.mount_points) {
        if (m.type != "volume" || m.name != volume_name) continue;
        std::map<std::string, std::string> attributes = {{"driver", m.driver.empty() ? "local" : m.driver},
                                                         {"container", c.id}};
        if (mounted) {
            attributes["destination"] = m.destination;
            attributes["read/write"] = m.rw ? "true" : "false";
            attributes["propagation"] = m.propagation;
        }
        log->log("volume", mounted ? "mount" : "unmount", volume_name, std::move(attributes));
        return;
    }
}

} // namespace berth::containers
