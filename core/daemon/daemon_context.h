// daemon_context.h — what route handlers share: the configuration, the
// plugin host and the pool plugin calls run on. Later subsystems (images,
// containers, networks) hang their stores here.
#pragma once

#include "config/daemon_config.h"
#include "config/id_map.h"
#include "network/container_hooks.h"
#include "plugins/call_executor.h"
#include "plugins/registry.h"
#include "storage/driver_selection.h"

#include <chrono>
#include <memory>
#include <string>

namespace berth::events {
class EventLog;
}
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
namespace berth::network {
class NetworkService;
class ContainerNetworking;
class SandboxDns;
namespace dns {
class EmbeddedDns;
}
} // namespace berth::network

namespace berth::daemon {

struct DaemonContext {
    config::DaemonConfig config; // data_root is the remapped root under userns-remap
    config::IdMap id_map;        // userns-remap; disabled by default
    std::string engine_id; // stable across restarts, stored in the data root
    std::chrono::system_clock::time_point started;
    // Declared before the services so it is destroyed after them: they
    // publish to it. Never null (made by the constructor).
    std::unique_ptr<events::EventLog> events;
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
    // Networks before containers too (the container service calls into
    // container_networking). dns serves names through container_networking,
    // so it goes first at shutdown (declared after it, destroyed before).
    std::unique_ptr<network::NetworkService> networks;
    std::unique_ptr<network::ContainerNetworking> container_networking;
    std::unique_ptr<network::dns::EmbeddedDns> dns; // null when it could not start
    std::unique_ptr<network::SandboxDns> dns_sandbox;
    // How /networks/{id}/connect|disconnect reach containers; the container
    // service fills it in.
    network::ContainerHooks network_hooks;
    // Null without a storage driver or an exec driver; container routes then
    // answer 500 saying so.
    std::unique_ptr<containers::ContainerService> containers;

    DaemonContext();
    ~DaemonContext(); // in daemon.cpp, where the members' types are complete
};

} // namespace berth::daemon
