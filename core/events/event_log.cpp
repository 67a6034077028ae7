// event_log.cpp — the ring, the subscribers and their bounded queues. One
// mutex guards everything: publish holds it only to copy the event into
// the ring and the matching queues.
#include "events/event_log.h"

#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>

namespace berth::events {

struct Subscription::State {
    std::shared_ptr<EventLog::Core> core;
    EventFilter filter;
    int64_t since_ns = 0, until_ns = 0;
    std::deque<Event> queue;
    std::condition_variable ready;
    bool ended = false;
    bool dropped = false;
};

struct EventLog::Core {
    mutable std::mutex mu;
    std::deque<Event> ring;
    std::list<std::shared_ptr<Subscription::State>> subscribers;
    bool closed = false;

    void remove(const std::shared_ptr<Subscription::State> &s) { subscribers.remove(s); }
};

int64_t unix_nanos_now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Subscription::Subscription(std::shared_ptr<State> state, std::vector<Event> past)
    : state_(std::move(state)), past_(std::move(past)) {}

Subscription::~Subscription() {
    std::lock_guard lock(state_->core->mu);
    state_->ended = true;
    state_->core->remove(state_);
}

std::optional<Event> Subscription::next(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(state_->core->mu);
    state_->ready.wait_until(lock, deadline, [&] { return state_->ended || !state_->queue.empty(); });
    // Queued events go out even after the end was decided, except for a
    // dropped subscriber, whose queue is stale by definition.
    if (state_->queue.empty() || state_->dropped) return std::nullopt;
    Event e = std::move(state_->queue.front());
    state_->queue.pop_front();
    return e;
}

bool Subscription::ended() const {
    std::lock_guard lock(state_->core->mu);
    return state_->ended && (state_->queue.empty() || state_->dropped);
}

bool Subscription::dropped() const {
    std::lock_guard lock(state_->core->mu);
    return state_->dropped;
}

void Subscription::cancel() {
    std::lock_guard lock(state_->core->mu);
    state_->ended = true;
    state_->queue.clear();
    state_->core->remove(state_);
    state_->ready.notify_all();
}

EventLog::EventLog() : core_(std::make_shared<Core>()) {}

EventLog::~EventLog() { close(); }

void EventLog::publish(Event event) {
    if (event.time_nano == 0) event.time_nano = unix_nanos_now();
    if (event.scope.empty()) event.scope = "local";
    std::lock_guard lock(core_->mu);
    core_->ring.push_back(event);
    if (core_->ring.size() > kRingSize) core_->ring.pop_front();
    for (auto it = core_->subscribers.begin(); it != core_->subscribers.end();) {
        auto &s = **it;
        if ((s.since_ns && event.time_nano < s.since_ns) || (s.until_ns && event.time_nano > s.until_ns) ||
            !s.filter.matches(event)) {
            ++it;
            continue;
        }
        if (s.queue.size() >= kQueueLimit) {
            // Too far behind: end it instead of blocking or growing without bound.
            s.dropped = true;
            s.ended = true;
            s.queue.clear();
            s.ready.notify_all();
            it = core_->subscribers.erase(it);
            continue;
        }
        s.queue.push_back(event);
        s.ready.notify_all();
        ++it;
    }
}

void EventLog::log(const std::string &type, const std::string &action, const std::string &actor_id,
                   std::map<std::string, std::string> attributes) {
    Event e;
    e.type = type;
    e.action = action;
    e.actor_id = actor_id;
    e.attributes = std::move(attributes);
    publish(std::move(e));
}

std::unique_ptr<Subscription> EventLog::subscribe(int64_t since_ns, int64_t until_ns, EventFilter filter) {
    auto state = std::make_shared<Subscription::State>();
    state->core = core_;
    state->since_ns = since_ns;
    state->until_ns = until_ns;
    state->filter = std::move(filter);
    std::vector<Event> past;
    std::lock_guard lock(core_->mu);
    if (since_ns || until_ns) {
        for (const auto &e : core_->ring) {
            if (e.time_nano < since_ns || (until_ns && e.time_nano > until_ns)) continue;
            if (state->filter.matches(e)) past.push_back(e);
        }
    }
    if (core_->closed)
        state->ended = true;
    else
        core_->subscribers.push_back(state);
    return std::unique_ptr<Subscription>(new Subscription(state, std::move(past)));
}

void EventLog::close() {
    std::lock_guard lock(core_->mu);
    core_->closed = true;
    for (auto &s : core_->subscribers) {
        s->ended = true;
        s->ready.notify_all();
    }
    core_->subscribers.clear();
}

size_t EventLog::subscriber_count() const {
    std::lock_guard lock(core_->mu);
    return core_->subscribers.size();
}

std::vector<Event> EventLog::recent() const {
    std::lock_guard lock(core_->mu);
    return {core_->ring.begin(), core_->ring.end()};
}

} // namespace berth::events
