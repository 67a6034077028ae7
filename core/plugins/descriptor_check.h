// descriptor_check.h — the ordered checks a plugin descriptor must pass
// before any plugin code besides the entry function runs. Pure functions of
// the descriptor and the host's ABI, so they are unit-tested without files.
#pragma once

#include <berth/abi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::plugins {

// What the host speaks.
struct HostAbi {
    uint16_t major = BERTH_ABI_MAJOR;
    uint16_t minor = BERTH_ABI_MINOR;
};

// A driver entry copied out of the plugin's memory (strings owned here).
struct DriverInfo {
    uint32_t kind = 0;
    std::string name;
    const void *ops = nullptr; // points into the library; valid while it is loaded
    uint32_t ops_size = 0;
    uint64_t caps = 0;
    std::string state_schema;
};

// The descriptor's facts, copied so they outlive the library (PostgreSQL
// copies its magic block before dlclose for the same reason).
struct DescriptorInfo {
    std::string name, version, vendor, license, build_id, description;
    uint16_t abi_major = 0, abi_minor = 0, min_host_minor = 0;
    std::vector<DriverInfo> drivers;
};

// Run checks 2-7 of abi.h in order. Returns the first failure's reason
// ("ABI major differs: plugin 2, host 1"), or nothing when all pass.
std::optional<std::string> check_descriptor(const berth_plugin_descriptor *d, const HostAbi &host);

// Copy what the host keeps. Only call after check_descriptor passed.
DescriptorInfo copy_descriptor(const berth_plugin_descriptor *d);

// The size of the kind's v1.0 operation table, 0 for a kind the host does
// not know.
uint32_t min_ops_size(uint32_t kind);

// "storage", "network", ...; "kind-<n>" for unknown values.
std::string kind_name(uint32_t kind);

} // namespace berth::plugins
