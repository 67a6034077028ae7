// event_filter.h — Docker's /events filters (moby daemon/events/filter.go):
// every given key must match (AND); the values of one key are alternatives
// (OR), except label, where every label given must be present.
//   container, daemon, network, plugin, volume: the actor ID or its "name"
//                attribute, by prefix (moby's fuzzy match)
//   event:       the action; "exec_start", "exec_create" and "health_status"
//                also match their "exec_start: <cmd>" forms
//   image:       the actor ID (image events) or the image attribute
//                (container events), with or without its tag
//   label:       "key" or "key=value" over the attributes
//   type, scope: exact
// node, service, secret and config are accepted as dockerd does; no local
// event carries them, so they match nothing.
#pragma once

#include "events/event.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace berth::events {

class EventFilter {
public:
    using Values = std::map<std::string, std::vector<std::string>>;

    EventFilter() = default;
    explicit EventFilter(Values values) : values_(std::move(values)) {}

    // The filter names GET /events accepts; others are refused with
    // "invalid filter '<name>'".
    static const std::set<std::string> &accepted_names();

    bool matches(const Event &event) const;
    bool empty() const { return values_.empty(); }

private:
    bool exact(const std::string &key, const std::string &value) const;
    bool fuzzy(const std::string &key, const std::string &value) const;
    bool actor_or_name(const Event &event, const std::string &type) const;
    bool image(const Event &event) const;
    bool labels(const Event &event) const;
    bool action(const Event &event) const;

    Values values_;
};

} // namespace berth::events
