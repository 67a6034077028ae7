// generation.h — one loaded, initialised plugin file: the library, its
// instance and services, and a count of calls in flight. A hot swap makes a
// new generation beside the old one; the old one is retired (fini) only once
// nothing runs in it any more.
#pragma once

#include "plugins/descriptor_check.h"
#include "plugins/host_services.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace berth::plugins {

class Generation {
public:
    // library: the loaded shared library, type-erased so Boost.DLL stays in
    // the loader's translation unit; it is released after fini.
    Generation(uint64_t number, std::filesystem::path path, std::shared_ptr<void> library,
               const berth_plugin_descriptor *descriptor, DescriptorInfo info,
               std::unique_ptr<HostServices> services);
    ~Generation(); // calls fini if init succeeded and nobody retired it yet
    Generation(const Generation &) = delete;
    Generation &operator=(const Generation &) = delete;

    // Run the plugin's init with config_json. Returns BERTH_OK, or the code
    // with the plugin's message in `message`.
    int32_t init(const std::string &config_json, std::string &message);
    // Run fini once (idempotent). Only when no call is in flight.
    void retire();

    uint64_t number() const { return number_; }
    const std::filesystem::path &path() const { return path_; }
    const DescriptorInfo &info() const { return info_; }
    berth_instance *instance() const { return instance_; }
    bool retired() const { return retired_.load(); }
    bool initialised() const { return initialised_; }
    // The plugin's home under the data root (berth_host.home_dir).
    const std::filesystem::path &home_dir() const;

    // The driver's operation table copied into a zeroed host-side buffer of
    // the host's own size, so any operation the plugin's (older, smaller)
    // table lacks reads as NULL.
    const void *ops(size_t driver_index) const { return ops_copies_[driver_index].data(); }
    bool threadsafe(size_t driver_index) const;
    // Serialises calls into a plugin without BERTH_CAP_THREADSAFE.
    std::mutex &serial() { return serial_; }

    // In-flight accounting for leases.
    void enter();
    void leave();
    size_t in_flight() const { return in_flight_.load(); }
    // Wait until no call is in flight; false on timeout.
    bool wait_drained(std::chrono::milliseconds timeout);

private:
    uint64_t number_;
    std::filesystem::path path_;
    std::shared_ptr<void> library_; // declared first: destroyed after everything else
    const berth_plugin_descriptor *descriptor_;
    DescriptorInfo info_;
    std::unique_ptr<HostServices> services_;
    std::vector<std::vector<unsigned char>> ops_copies_;
    berth_instance *instance_ = nullptr;
    bool initialised_ = false;
    std::atomic<bool> retired_{false};
    std::mutex serial_;
    std::atomic<size_t> in_flight_{0};
    std::mutex drain_mutex_;
    std::condition_variable drained_;
};

} // namespace berth::plugins
