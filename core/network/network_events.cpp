// network_events.cpp — network events (moby's LogNetworkEventWithAttributes):
// actor = the network ID, attributes name and type (the driver).
#include "events/event_log.h"
#include "network/network_service.h"

namespace berth::network {

void NetworkService::publish_event(const Network &n, const std::string &action,
                                   std::map<std::string, std::string> extra) const {
    if (!events_) return;
    extra["name"] = n.name;
    extra["type"] = n.driver;
    events_->log("network", action, n.id, std::move(extra));
}

} // namespace berth::network
