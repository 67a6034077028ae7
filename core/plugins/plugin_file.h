// plugin_file.h — everything that touches a plugin file before its code
// runs: permission checks, ELF/symbol pre-flight (Boost.DLL library_info,
// which reads the file without executing it) and the actual load. Boost.DLL
// is confined to plugin_file.cpp.
#pragma once

#include <berth/abi.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace berth::plugins {

// A plugin file name: libberth-<kind>-<name>.so.<major>.
bool looks_like_plugin_file(const std::filesystem::path &file);

// Checks the file without running any of its code: a regular file owned by
// root or by us and not writable by group or others, a readable ELF shared
// object, exporting berth_plugin_v1. Returns the reason it is refused.
std::optional<std::string> preflight(const std::filesystem::path &file);

struct OpenedLibrary {
    std::shared_ptr<void> handle; // keeps the library loaded
    berth_plugin_entry_fn entry = nullptr;
};

// dlopen (RTLD_NOW | RTLD_LOCAL) and resolve the entry symbol.
// Throws std::runtime_error("dlopen failed: ...") on failure.
OpenedLibrary open_library(const std::filesystem::path &file);

} // namespace berth::plugins
