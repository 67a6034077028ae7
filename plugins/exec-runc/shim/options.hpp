// options.hpp — berth-shim's command line, as the exec-runc plugin writes it:
//   berth-shim --id ID --bundle DIR --dir CONTAINER_DIR --runtime PATH
//              [--runtime-arg ARG]... --ready-fd N
//              [--stdin FD] [--stdout FD] [--stderr FD]
//              [--terminal --rows R --cols C] [--open-stdin] [--stdin-once]
//              [--log-library SO [--log-driver NAME] --log-info FILE
//               [--log-plugin-config JSON]]
// --open-stdin: give init a stdin pipe even without --stdin, for clients
//   that attach later (docker run -i); --stdin-once: close it when the
//   first attached client's stdin ends (non-terminal only, as dockerd).
// --log-*: the log driver the shim hosts (log_driver.hpp); FILE holds the
//   start() info_json and is read once at startup.
#pragma once

#include <string>
#include <vector>

namespace berth::shim {

struct Options {
    std::string id, bundle, dir, runtime;
    std::vector<std::string> runtime_args;
    int ready_fd = -1;
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
    bool terminal = false;
    unsigned rows = 0, cols = 0;
    bool open_stdin = false, stdin_once = false;
    // --start: create and start in one runtime call (`run --detach`), for a
    // container nothing has to be done to between the two; saves one runtime
    // process per container start.
    bool start = false;
    std::string log_library, log_driver, log_info_file, log_plugin_config;
};

// Parse argv; on error returns false and sets err.
bool parse_options(int argc, char **argv, Options &out, std::string &err);

} // namespace berth::shim
