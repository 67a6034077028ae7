// runtime_command.hpp — run one short OCI runtime command (pause, resume,
// ps, update, state) straight from the plugin. These need no stdio of the
// container, so they do not go through the shim.
#pragma once

#include <string>
#include <vector>

namespace berth::execrunc {

struct RuntimeOutput {
    int status = -1;          // exit code; -1 when it could not run
    std::string out, err;     // its stdout and stderr, trailing newlines trimmed
    bool ok() const { return status == 0; }
    // What to show when it failed: stderr, else stdout, else the status.
    std::string message() const;
};

// `<runtime> <global_args> <args>`, stdin /dev/null. Blocks until it exits.
RuntimeOutput run_runtime(const std::string &runtime, const std::vector<std::string> &global_args,
                          const std::vector<std::string> &args);

} // namespace berth::execrunc
