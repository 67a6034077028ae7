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

// runc where Debian and upstream install it, else "runc" (found on PATH).
std::string default_runtime_path();
// Whether runtime names an executable (a path, or a name found on PATH).
bool runtime_available(const std::string &runtime);
// The runtime's `features` document (the OCI runtime-spec's features.md
// JSON). Throws sdk::error: NOTSUP when the runtime has no such command,
// PREREQ when it cannot be run, INTERNAL when it prints no JSON object.
std::string runtime_features(const std::string &runtime);

} // namespace berth::execrunc
