// service_internal.h — the container service's in-memory runtime state,
// shared by its .cpp files only.
#pragma once

#include "containers/service/container_service.h"
#include "containers/service/restart_policy.h"
#include "containers/store/errors.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>

namespace berth::containers {

using json = nlohmann::json;

struct HealthLogEntry {
    std::string start, end;
    int exit_code = 0;
    std::string output;
};

// What the service knows of a container beyond its record: held in memory,
// rebuilt by restore_all() after a restart.
struct ContainerService::Live {
    std::mutex op;               // serialises start, exit handling, removal
    uint64_t exit_seq = 0;       // bumped on every exit (wait next-exit)
    int last_exit_code = 0;
    int policy_restarts = 0;     // restarts since the last manual start (on-failure's count)
    bool removed = false;
    bool manual_stop = false;    // stopped or killed by the user: no restart
    bool has_task = false;       // the exec driver holds a shim for it
    bool restart_pending = false;
    std::string rootfs;          // mounted rootfs while it has a task
    std::vector<std::string> acquired_volumes;
    std::vector<AttachRequest> pending_attach; // attach before start (fds owned here)
    std::chrono::milliseconds backoff{0};
    std::chrono::steady_clock::time_point started_mono{};
    std::deque<HealthLogEntry> health_log;
    uint64_t start_seq = 0;      // bumped on every start (health checkers stop on change)
};

struct ContainerService::ExecInstance {
    std::string id;
    std::string container_id;
    json config;                 // the exec create body
    bool running = false;
    bool started = false;
    bool finished = false;
    int exit_code = 0;
    int pid = 0;
    bool can_remove = false;
    bool output_ended = false; // the attached stream saw EOF (the process is exiting)
};

// JSON helpers shared by the service files.
inline json parse_object(const std::string &text) {
    auto j = json::parse(text.empty() ? "{}" : text, nullptr, false);
    return j.is_object() ? j : json::object();
}

template <class T> T value_or(const json &j, const char *key, T fallback) {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
    try {
        return j[key].get<T>();
    } catch (...) {
        return fallback;
    }
}

std::string now_rfc3339();

} // namespace berth::containers
