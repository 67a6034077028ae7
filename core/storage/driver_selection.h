// driver_selection.h — which storage driver berthd uses, decided as dockerd
// decides it:
//   1. an explicit storage-driver (flag or daemon.json) wins, and if it
//      cannot start, berthd refuses to start;
//   2. otherwise the data already on disk decides: the driver whose home
//      under <data-root>/storage holds data; data of two drivers is an
//      error the operator must resolve;
//   3. otherwise the priority list (overlay2, btrfs, then the others by
//      name), skipping drivers that cannot work here (PREREQ).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace berth::plugins {
class PluginRegistry;
}

namespace berth::storage {

struct Selection {
    std::string driver; // empty when no driver could start at all
    std::string how;    // "configured", "existing data", "priority"
    // (driver, why it was not chosen), for `info` and the log.
    std::vector<std::pair<std::string, std::string>> passed_over;
};

class SelectionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The built-in order for drivers nobody asked for by name.
std::vector<std::string> priority_order(std::vector<std::string> available);

// Drivers whose home under storage_root is not empty.
std::vector<std::string> drivers_with_data(const std::filesystem::path &storage_root);

// Decide and activate the driver. Throws SelectionError when berthd must
// refuse to start (explicit driver unusable, data of several drivers, data
// of a driver that cannot start).
Selection select_driver(plugins::PluginRegistry &registry, const std::filesystem::path &data_root,
                        const std::string &configured);

} // namespace berth::storage
