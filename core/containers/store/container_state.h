// container_state.h — a container's runtime state as moby's State keeps it,
// and the `docker ps` words derived from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace berth::containers {

using Clock = std::chrono::system_clock;
// Zero (the epoch's default) stands for Go's zero time "0001-01-01T00:00:00Z":
// never started / never finished.
using TimePoint = Clock::time_point;

struct HealthState {
    std::string status; // "starting" | "healthy" | "unhealthy"
    int failing_streak = 0;
};

struct ContainerState {
    bool running = false;
    bool paused = false;
    bool restarting = false;
    bool oom_killed = false;
    bool removal_in_progress = false;
    bool dead = false;
    int pid = 0;
    int exit_code = 0;
    std::string error;
    TimePoint started_at{};
    TimePoint finished_at{};
    std::optional<HealthState> health;

    // The API's State.Status: created|running|paused|restarting|removing|exited|dead.
    std::string status() const;

    // `docker ps`'s STATUS column at `now` ("Up 5 minutes", "Exited (0) 3 seconds ago", ...).
    std::string status_text(TimePoint now = Clock::now()) const;
};

} // namespace berth::containers
