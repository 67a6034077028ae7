// event_log.h — the daemon's event log (moby daemon/events): the last
// kRingSize events in memory and live fan-out to subscribers.
//
// publish() never waits for a subscriber: each has a bounded queue, and
// one that falls kQueueLimit events behind is dropped (its stream ends)
// rather than slowing the daemon down. Thread-safe.
#pragma once

#include "events/event.h"
#include "events/event_filter.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::events {

class EventLog;

// One reader of the log. Destroying it unsubscribes.
class Subscription {
public:
    ~Subscription();
    Subscription(const Subscription &) = delete;
    Subscription &operator=(const Subscription &) = delete;

    // The buffered events in [since, until] that match, oldest first.
    const std::vector<Event> &past() const { return past_; }

    // The next live event; nullopt when the deadline passed, or when the
    // subscription ended (cancelled, dropped, or the log closed): ended()
    // tells those apart.
    std::optional<Event> next(std::chrono::steady_clock::time_point deadline);
    bool ended() const;
    // Whether it ended because it fell too far behind.
    bool dropped() const;
    // Ends the subscription and wakes next(), from any thread (a watcher
    // that saw the client go away).
    void cancel();

private:
    friend class EventLog;
    struct State;
    Subscription(std::shared_ptr<State> state, std::vector<Event> past);
    std::shared_ptr<State> state_;
    std::vector<Event> past_;
};

class EventLog {
public:
    static constexpr size_t kRingSize = 256;     // moby's eventsLimit
    static constexpr size_t kQueueLimit = 1024;  // moby's per-subscriber bufferSize

    EventLog();
    ~EventLog();
    EventLog(const EventLog &) = delete;
    EventLog &operator=(const EventLog &) = delete;

    // Stamps the time (unless already set) and the local scope, keeps it
    // in the ring and hands it to every subscriber whose filter matches.
    void publish(Event event);
    // The one-line form the services use.
    void log(const std::string &type, const std::string &action, const std::string &actor_id,
             std::map<std::string, std::string> attributes = {});

    // since_ns/until_ns: 0 for none. As moby, the ring is replayed only when
    // one of them is given; live events after until are not delivered.
    std::unique_ptr<Subscription> subscribe(int64_t since_ns, int64_t until_ns, EventFilter filter);

    // Ends every subscription and refuses new ones (daemon shutdown).
    void close();

    size_t subscriber_count() const;
    std::vector<Event> recent() const; // the ring, oldest first

    struct Core;

private:
    std::shared_ptr<Core> core_;
};

// Wall-clock now in Unix nanoseconds, as events are stamped.
int64_t unix_nanos_now();

} // namespace berth::events
