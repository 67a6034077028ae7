// registry.h — the plugin host: discovers plugin files, checks and loads
// them, keeps one Slot per (kind, driver name), remembers every refusal with
// its reason, and hot-swaps a plugin to a new file at run time.
#pragma once

#include "plugins/descriptor_check.h"
#include "plugins/host_services.h"
#include "plugins/slot.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace berth::plugins {

struct RegistryOptions {
    // Searched in order; the first file to claim a (kind, name) wins and
    // later ones are refused as duplicates.
    std::vector<std::filesystem::path> plugin_dirs;
    std::filesystem::path data_root; // homes and state live below it
    std::filesystem::path exec_root; // run dirs live below it
    std::string host_version;
    HostAbi abi;
    // JSON object text handed to a plugin's init ("{}" when nothing is set).
    std::function<std::string(const std::string &plugin_name)> plugin_config;
    // Settings of the host's own that every plugin serving a kind must see,
    // as a JSON object merged over the operator's section for that plugin
    // (e.g. storage's "id_map" under userns-remap). Keyed by BERTH_KIND_*.
    std::map<uint32_t, std::string> kind_config;
    EventSink events;
    // Plugins all of whose drivers are of these kinds are loaded and checked
    // but not initialised ("standby") until activate() is called. Storage
    // uses this: like dockerd, only the selected driver starts, so the others
    // leave no state in the data root.
    std::set<uint32_t> deferred_kinds;
    // How long a swap waits for in-flight calls before giving up.
    std::chrono::milliseconds drain_timeout{30000};
};

// One line of `berth plugin ls`.
struct PluginRecord {
    std::string file;
    std::string name;    // plugin name from the descriptor ("" if never read)
    std::string version; // plugin semver
    std::string abi;     // "1.0" as the plugin was built
    std::string vendor, description;
    std::vector<std::pair<std::string, std::string>> drivers; // (kind, driver name)
    std::string state; // active | standby | rejected | draining | retired
    std::string reason;
    uint64_t generation = 0;
};

struct SwapResult {
    bool ok = false;
    std::string message;     // why it failed (and that it rolled back)
    uint64_t generation = 0; // the new generation on success
    bool handed_over = false;
    bool not_found = false;  // no active plugin by that name
};

class PluginRegistry {
public:
    explicit PluginRegistry(RegistryOptions options);
    ~PluginRegistry(); // retires every generation (fini) in reverse load order
    PluginRegistry(const PluginRegistry &) = delete;
    PluginRegistry &operator=(const PluginRegistry &) = delete;

    // Scan plugin_dirs and load every plugin file found. Never throws for a
    // bad plugin: it is recorded as rejected and the scan goes on.
    void discover();
    // Load one file (discovery uses this; tests may too). Returns the record.
    PluginRecord load_file(const std::filesystem::path &file);

    std::vector<PluginRecord> list() const;

    // Start a standby plugin that serves (kind, driver): init it and publish
    // its slots. Returns an empty string on success, else the reason it did
    // not start (the record then turns "rejected" with that reason); a
    // driver no plugin provides gives "no plugin file provides it".
    std::string activate(uint32_t kind, const std::string &driver);
    // Driver names of a kind offered by standby plugins, in load order.
    std::vector<std::string> standby_drivers(uint32_t kind) const;
    // The slot for (kind, driver name), or nullptr.
    std::shared_ptr<Slot> slot(uint32_t kind, const std::string &driver) const;
    // Driver names of a kind with an active plugin, in load order.
    std::vector<std::string> drivers(uint32_t kind) const;

    // Replace the active plugin `plugin_name` with the plugin in new_file:
    // load beside, init, (quiesce + export/import state when both sides
    // support hand-over), publish, retire the old generation once drained.
    // On any failure the old generation keeps serving.
    SwapResult swap(const std::string &plugin_name, const std::filesystem::path &new_file);
    // Swap to the file the active generation was loaded from (after it was
    // replaced on disk, e.g. by a package upgrade).
    SwapResult reload(const std::string &plugin_name);

    // Retire everything now (daemon shutdown). Idempotent.
    void shutdown();

private:
    struct Entry {
        PluginRecord record;
        std::shared_ptr<Generation> generation; // null for rejected files
    };

    // Checks and loads file into a new initialised generation, or fills
    // `reason`. Does not publish it.
    std::shared_ptr<Generation> load_generation(const std::filesystem::path &file,
                                                PluginRecord &record, bool allow_same_name,
                                                bool initialise = true);
    void publish_locked(const std::shared_ptr<Generation> &gen);
    bool deferred(const DescriptorInfo &info) const;
    // Run init with the plugin's daemon.json section; message on failure.
    bool init_generation(Generation &gen, const std::string &plugin_name, std::string &message);
    std::filesystem::path distinct_copy(const std::filesystem::path &file, uint64_t generation);
    void reaper_loop();
    void mark(uint64_t generation, const std::string &state);

    RegistryOptions options_;
    mutable std::mutex mutex_; // entries_ and slots_
    std::vector<Entry> entries_;
    std::map<std::pair<uint32_t, std::string>, std::shared_ptr<Slot>> slots_;
    std::vector<std::pair<uint32_t, std::string>> slot_order_;
    uint64_t next_generation_ = 1;
    std::mutex swap_mutex_; // one swap at a time

    // Retirement of generations that were drained after a swap.
    std::mutex reaper_mutex_;
    std::condition_variable reaper_cv_;
    std::vector<std::shared_ptr<Generation>> draining_;
    bool stopping_ = false;
    std::thread reaper_;
};

} // namespace berth::plugins
