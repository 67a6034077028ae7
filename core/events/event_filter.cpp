// event_filter.cpp — matching events against Docker's /events filters.
#include "events/event_filter.h"

#include "images/reference.h"

#include <algorithm>

namespace berth::events {
namespace {

// The familiar name without tag or digest ("busybox" for "busybox:latest",
// "docker.io/library/busybox"); the input itself when it is no reference
// (an image ID, a container's image given by ID).
std::string strip_tag(const std::string &image) {
    try {
        return images::parse_normalized_named(image).familiar_name();
    } catch (const std::exception &) {
        return image;
    }
}

const std::string &attribute(const Event &event, const std::string &key) {
    static const std::string none;
    auto it = event.attributes.find(key);
    return it == event.attributes.end() ? none : it->second;
}

} // namespace

const std::set<std::string> &EventFilter::accepted_names() {
    static const std::set<std::string> names = {"config", "container", "daemon", "event",  "image",
                                                "label",  "network",   "node",   "plugin", "scope",
                                                "secret", "service",   "type",   "volume"};
    return names;
}

// Absent key: everything matches (moby's ExactMatch on an unset field).
bool EventFilter::exact(const std::string &key, const std::string &value) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return true;
    return std::find(it->second.begin(), it->second.end(), value) != it->second.end();
}

bool EventFilter::fuzzy(const std::string &key, const std::string &value) const {
    if (exact(key, value)) return true;
    for (const auto &prefix : values_.at(key))
        if (value.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

bool EventFilter::actor_or_name(const Event &event, const std::string &type) const {
    return fuzzy(type, event.actor_id) || fuzzy(type, attribute(event, "name"));
}

bool EventFilter::action(const Event &event) const {
    auto it = values_.find("event");
    if (it == values_.end() || it->second.empty()) return true;
    // moby #25798: these actions carry a suffix ("exec_start: sh -c ls"),
    // so a filter naming one without it matches by prefix.
    static const std::set<std::string> suffixed = {"exec_create", "exec_start", "health_status"};
    const bool any_suffixed =
        std::any_of(it->second.begin(), it->second.end(), [](const std::string &v) { return suffixed.count(v) > 0; });
    return any_suffixed ? fuzzy("event", event.action) : exact("event", event.action);
}

bool EventFilter::image(const Event &event) const {
    const std::string &name = attribute(event, event.type == "image" ? "name" : "image");
    return exact("image", event.actor_id) || exact("image", name) || exact("image", strip_tag(event.actor_id)) ||
           exact("image", strip_tag(name));
}

bool EventFilter::labels(const Event &event) const {
    auto it = values_.find("label");
    if (it == values_.end() || it->second.empty()) return true;
    for (const auto &want : it->second) {
        const auto eq = want.find('=');
        auto have = event.attributes.find(want.substr(0, eq));
        if (have == event.attributes.end()) return false;
        if (eq != std::string::npos && have->second != want.substr(eq + 1)) return false;
    }
    return true;
}

bool EventFilter::matches(const Event &event) const {
    if (values_.empty()) return true;
    return action(event) && exact("type", event.type) && exact("scope", event.scope) &&
           actor_or_name(event, "daemon") && actor_or_name(event, "container") && actor_or_name(event, "plugin") &&
           actor_or_name(event, "volume") && actor_or_name(event, "network") && image(event) &&
           actor_or_name(event, "node") && actor_or_name(event, "service") && actor_or_name(event, "secret") &&
           actor_or_name(event, "config") && labels(event);
}

} // namespace berth::events
