// options.hpp — berth-shim's command line, as the exec-runc plugin writes it:
//   berth-shim --id ID --bundle DIR --dir CONTAINER_DIR --runtime PATH
//              [--runtime-arg ARG]... --ready-fd N
//              [--stdin FD] [--stdout FD] [--stderr FD]
//              [--terminal --rows R --cols C]
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
};

// Parse argv; on error returns false and sets err.
bool parse_options(int argc, char **argv, Options &out, std::string &err);

} // namespace berth::shim
