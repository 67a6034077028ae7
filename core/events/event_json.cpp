// event_json.cpp — the wire form of an event (GET /events).
#include "events/event.h"

#include <nlohmann/json.hpp>

namespace berth::events {

std::string event_json(const Event &event) {
    nlohmann::ordered_json j;
    // moby fills the deprecated fields only for these two types; older
    // clients (API < 1.22) read nothing else.
    if (event.type == "container" || event.type == "image") {
        j["status"] = event.action;
        j["id"] = event.actor_id;
        if (event.type == "container") {
            auto it = event.attributes.find("image");
            if (it != event.attributes.end()) j["from"] = it->second;
        }
    }
    j["Type"] = event.type;
    j["Action"] = event.action;
    nlohmann::ordered_json attributes = nlohmann::ordered_json::object();
    for (const auto &[k, v] : event.attributes) attributes[k] = v;
    j["Actor"] = {{"ID", event.actor_id}, {"Attributes", attributes}};
    j["scope"] = event.scope;
    j["time"] = event.time_nano / 1000000000;
    j["timeNano"] = event.time_nano;
    return j.dump();
}

} // namespace berth::events
