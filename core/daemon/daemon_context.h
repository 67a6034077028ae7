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

namespace berth::images {
class ImageService;
}
namespace berth::distribution {
class RegistryAccess;
class Puller;
class BlobSourceIndex;
} // namespace berth::distribution

namespace berth::containers {
class ContainerService;
}
namespace berth::volumes {
class VolumeService;
}

namespace berth::daemon {

struct DaemonContext {
    config::DaemonConfig config;
    std::string engine_id; // stable across restarts, stored in the data root
    std::chrono::system_clock::time_point started;
    std::unique_ptr<plugins::PluginRegistry> plugins;
    std::unique_ptr<plugins::CallExecutor> executor;
    storage::Selection storage; // the storage driver in use and why the others are not
    // Null when no storage driver could start: image routes then answer 500
    // saying so, the rest of the API still serves.
    std::unique_ptr<images::ImageService> images;
    std::unique_ptr<distribution::RegistryAccess> registry_access;
    std::unique_ptr<distribution::BlobSourceIndex> blob_sources; // where pulled/pushed blobs live remotely
    std::unique_ptr<distribution::Puller> puller;
    // Before containers: the container service holds references into it and
    // must be destroyed first.
    std::unique_ptr<volumes::VolumeService> volumes;
    // Null without a storage driver or an exec driver; container routes then
    // answer 500 saying so.
    std::unique_ptr<containers::ContainerService> containers;

    DaemonContext();
    ~DaemonContext(); // in daemon.cpp, where the members' types are complete
};

} // namespace berth::daemon
