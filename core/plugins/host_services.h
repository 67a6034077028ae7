// host_services.h — the host's side of berth/host.h: the per-call context
// (berth_call) and the per-instance services table (berth_host).
#pragma once

#include <berth/host.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

// The call context the ABI leaves opaque. One per plugin call; it lives as
// long as the call can still touch it (shared with the executor on timeout).
struct berth_call {
    int32_t code = BERTH_OK;
    std::string message;
    std::atomic<bool> cancelled{false};
    int64_t deadline_ns = 0; // CLOCK_MONOTONIC, 0 = none
};

namespace berth::plugins {

// Where a plugin's events go (the daemon's event bus).
using EventSink = std::function<void(const std::string &plugin, const std::string &kind,
                                     const std::string &json)>;

// Everything one plugin instance's services need; owned by its generation.
struct HostServices {
    std::string plugin_name;
    std::string host_version;
    std::filesystem::path home_dir;  // data root side, persistent
    std::filesystem::path run_dir;   // exec root side, volatile
    std::filesystem::path state_dir; // state_put/state_get files
    EventSink events;

    berth_host table{}; // what the plugin sees; table.ctx points back here
};

// Fill services->table (directories are made by create_service_dirs, right
// before init, so a plugin that is never started leaves nothing on disk). The returned object must
// outlive the plugin instance (until fini returned).
std::unique_ptr<HostServices> make_host_services(std::string plugin_name, std::string host_version,
                                                 std::filesystem::path home_dir,
                                                 std::filesystem::path run_dir,
                                                 std::filesystem::path state_dir, EventSink events);

// Create home_dir, run_dir and state_dir; false with error on failure.
bool create_service_dirs(const HostServices &services, std::string &error);

// The message of a failed call: "<STATUS>: <message>" or the status alone.
std::string describe_failure(const berth_call &call, int32_t code);

} // namespace berth::plugins
