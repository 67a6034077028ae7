#include "containers/store/container_state.h"

#include "containers/store/human_duration.h"

namespace berth::containers {

// Same precedence as moby's State.StateString.
std::string ContainerState::status() const {
    if (running) {
        if (paused) return "paused";
        if (restarting) return "restarting";
        return "running";
    }
    if (removal_in_progress) return "removing";
    if (dead) return "dead";
    if (started_at == TimePoint{}) return "created";
    return "exited";
}

// Same precedence and wording as moby's State.String.
std::string ContainerState::status_text(TimePoint now) const {
    auto since = [&](TimePoint t) { return human_duration(now - t); };
    if (running) {
        if (paused) return "Up " + since(started_at) + " (Paused)";
        if (restarting) return "Restarting (" + std::to_string(exit_code) + ") " + since(finished_at) + " ago";
        if (health) {
            const std::string h = health->status == "starting" ? "health: starting" : health->status;
            return "Up " + since(started_at) + " (" + h + ")";
        }
        return "Up " + since(started_at);
    }
    if (removal_in_progress) return "Removal In Progress";
    if (dead) return "Dead";
    if (started_at == TimePoint{}) return "Created";
    if (finished_at == TimePoint{}) return "";
    return "Exited (" + std::to_string(exit_code) + ") " + since(finished_at) + " ago";
}

} // namespace berth::containers
