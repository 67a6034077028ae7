// restart_policy.h — HostConfig.RestartPolicy: validation with moby's
// wording, the decision after an exit, and the back-off between restarts.
#pragma once

#include <chrono>
#include <string>

namespace berth::containers {

struct RestartPolicy {
    std::string name; // "", "no", "always", "unless-stopped", "on-failure"
    int maximum_retry_count = 0;

    bool is_none() const { return name.empty() || name == "no"; }
};

// From the HostConfig JSON; throws InvalidArgument ("invalid restart policy: ...").
RestartPolicy parse_restart_policy(const std::string &host_config_json);

// moby's restartmanager.ShouldRestart ("always" ignores manually_stopped:
// callers that must not restart a stopped container check it themselves).
bool should_restart(const RestartPolicy &policy, int exit_code, bool manually_stopped, int restart_count);

// The delay before the next restart: 100 ms doubling per consecutive
// restart up to one minute; a run that lasted ≥ 10 s starts over.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous, std::chrono::milliseconds last_run);

} // namespace berth::containers
