// event_routes.cpp — GET /events (moby's getEvents): past events from the
// ring when since/until are given, then live ones until `until` passes,
// the client goes away or the daemon stops.
#include "api/event_routes.h"

#include "api/filters.h"
#include "events/event_log.h"
#include "images/time_format.h"

#include <chrono>
#include <memory>
#include <thread>

namespace berth::api {

int64_t parse_event_time(const std::string &value, const char *what) {
    if (value.empty()) return 0;
    if (value.find_first_of("T:") != std::string::npos) {
        if (auto ns = images::parse_rfc3339_ns(value)) return *ns;
        throw ApiError(400, std::string("invalid value for ") + what + ": " + value);
    }
    try {
        const auto dot = value.find('.');
        size_t used = 0;
        const int64_t secs = std::stoll(value.substr(0, dot), &used);
        if (used != value.substr(0, dot).size()) throw std::invalid_argument(value);
        int64_t nanos = 0;
        if (dot != std::string::npos) {
            std::string frac = value.substr(dot + 1);
            if (frac.empty() || frac.find_first_not_of("0123456789") != std::string::npos)
                throw std::invalid_argument(value);
            frac.resize(9, '0'); // moby scales a short fraction to nanoseconds
            nanos = std::stoll(frac.substr(0, 9));
        }
        return secs * 1'000'000'000LL + nanos;
    } catch (const std::logic_error &) {
        throw ApiError(400, std::string("invalid value for ") + what + ": " + value);
    }
}

namespace {

events::EventFilter parse_filters(const std::string &json_text) {
    const auto names = events::EventFilter::accepted_names();
    const Filters f = Filters::parse(json_text, names);
    events::EventFilter::Values values;
    for (const auto &name : names)
        if (f.has(name)) values[name] = f.values(name);
    return events::EventFilter(std::move(values));
}

// Sends the live part of the stream. Without `until` it runs until the
// subscription ends: the watcher cancels it when the client's side of the
// connection closes (a read returns 0 — also what the server's shutdown of
// every connection causes), and EventLog::close() ends it at daemon stop.
void stream_live(ResponseStream &stream, events::Subscription &sub, int64_t until_ns, bool watch_client) {
    std::thread watcher;
    if (watch_client)
        watcher = std::thread([&stream, &sub] {
            char buf[512];
            while (stream.read_some(buf, sizeof buf) > 0) {
            }
            sub.cancel();
        });
    for (;;) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
        if (until_ns) {
            const int64_t left = until_ns - events::unix_nanos_now();
            if (left <= 0) break;
            deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(left);
        }
        auto event = sub.next(deadline);
        if (event) {
            if (!stream.write(events::event_json(*event) + "\n")) break;
        } else if (sub.ended()) {
            break;
        }
    }
    sub.cancel();
    if (watcher.joinable()) {
        stream.shutdown_read();
        watcher.join();
    }
}

} // namespace

void add_event_routes(Router &router, events::EventLog &log) {
    router.add("GET", "/events", [&log](Request &req) {
        const std::string since_text = req.query_value("since"), until_text = req.query_value("until");
        const int64_t since_ns = parse_event_time(since_text, "since");
        const int64_t until_ns = parse_event_time(until_text, "until");
        if (until_ns && until_ns < since_ns)
            throw ApiError(400, "`since` time (" + since_text + ") cannot be after `until` time (" + until_text + ")");
        auto filter = parse_filters(req.query_value("filters"));
        // Subscribed before the head goes out: `docker run` (API 1.24) starts
        // the container as soon as it has the head and must see its events.
        std::shared_ptr<events::Subscription> sub = log.subscribe(since_ns, until_ns, std::move(filter));
        const bool only_past = until_ns && until_ns <= events::unix_nanos_now();
        // A TLS stream cannot be read and written from two threads: there a
        // vanished client is noticed at the next event it is sent.
        const bool watch_client = !until_ns && req.authn_method != "TLS";
        Response res;
        res.status = 200;
        res.stream = [sub, until_ns, only_past, watch_client](ResponseStream &stream) {
            for (const auto &e : sub->past())
                if (!stream.write(events::event_json(e) + "\n")) return;
            if (only_past) return;
            stream_live(stream, *sub, until_ns, watch_client);
        };
        return res;
    });
}

} // namespace berth::api
