// daemon_context.h — what route handlers share: the configuration, the
// plugin host and the pool plugin calls run on. Later subsystems (images,
// containers, networks) hang their stores here.
#pragma once

#include "config/daemon_config.h"
#include "plugins/call_executor.h"
#include "plugins/registry.h"
#include "storage/driver_selection.h"

#include <chrono>
#include <memory>
#include <string>

namespace berth::daemon {

struct DaemonContext {
    config::DaemonConfig config;
    std::string engine_id; // stable across restarts, stored in the data root
    std::chrono::system_clock::time_point started;
    std::unique_ptr<plugins::PluginRegistry> plugins;
    std::unique_ptr<plugins::CallExecutor> executor;
    storage::Selection storage; // the storage driver in use and why the others are not
};

} // namespace berth::daemon
