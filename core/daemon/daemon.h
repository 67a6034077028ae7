// daemon.h — berthd's life: lock the data root, load plugins, serve the API
// until SIGTERM/SIGINT, then shut down in reverse order.
#pragma once

#include "config/daemon_config.h"

namespace berth::daemon {

// Runs until a termination signal. Returns the process exit code. Throws
// std::runtime_error for start-up failures (the caller prints them).
int run(const config::DaemonConfig &config);

} // namespace berth::daemon
