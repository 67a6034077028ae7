// shim_launcher.hpp — finding berth-shim and starting it for one container.
//
// Where the shim lives: berth-shim is installed in lib/berth/, one level
// above the plugin directory (lib/berth/plugins/), in the build tree and in
// an install alike. The plugin finds it relative to its own .so (dladdr),
// the way berthd finds bundled plugins relative to its binary; the plugin
// config {"shim-path": "..."} overrides it.
#pragma once

#include <string>
#include <vector>

namespace berth::execrunc {

// <dir of this .so>/../berth-shim
std::string default_shim_path();

struct LaunchRequest {
    std::string shim_path, id, bundle, dir, runtime;
    std::vector<std::string> runtime_args;
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // borrowed
    bool terminal = false;
    unsigned rows = 0, cols = 0;
    bool open_stdin = false, stdin_once = false;
    bool start = false; // the shim starts the container as it creates it
    // The log driver the shim hosts; empty library: none ("none" driver).
    std::string log_library, log_driver, log_plugin_config, log_info_file;
};

// Start the shim and wait for its readiness line. Returns the container's
// init pid; throws berth::sdk::error with the runtime's message on failure.
int launch_shim(const LaunchRequest &req);

} // namespace berth::execrunc
