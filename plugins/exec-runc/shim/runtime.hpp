// runtime.hpp — running the OCI runtime binary (runc, crun) from the shim.
// Synchronous on purpose: the shim is single-threaded and every runtime
// command (create, start, kill, delete) is short. The one exception is the
// delete the shim starts by itself when the container's init exits (spawn).
#pragma once

#include <string>
#include <vector>

namespace berth::shim {

struct RuntimeResult {
    int status = -1;     // exit code, or 128+signal; -1 when it could not run
    std::string output;  // what it wrote to stderr/stdout (when captured)
    bool ok() const { return status == 0; }
};

class Runtime {
public:
    Runtime(std::string path, std::vector<std::string> global_args, std::string log_path)
        : path_(std::move(path)), global_args_(std::move(global_args)),
          log_path_(std::move(log_path)) {}

    // Run `<runtime> <global args> --log L <args>` with the given stdio
    // (-1: /dev/null). The runtime's own diagnostics go to the log file,
    // because in create its stdio is the container's.
    RuntimeResult run_with_stdio(const std::vector<std::string> &args, int in, int out,
                                 int err) const;
    // Same, capturing stdout+stderr (for start, kill, delete).
    RuntimeResult run_captured(const std::vector<std::string> &args) const;
    // Start `<runtime> <global args> --log L <args>` with stdio on
    // /dev/null, niced, and return its pid without waiting (-1 when fork
    // failed); the caller reaps it.
    int spawn(const std::vector<std::string> &args) const;
    // The last error message the runtime logged (its --log file), for
    // failures of create whose stderr was the container's.
    std::string last_logged_error() const;

private:
    // Fork and exec `<runtime> <global args> --log L <args>` with the given
    // stdio (-1: /dev/null) at the given nice increment; its pid, or -1.
    int start(const std::vector<std::string> &args, int in, int out, int err, int niceness) const;
    std::vector<std::string> argv_for(const std::vector<std::string> &args) const;

    std::string path_;
    std::vector<std::string> global_args_;
    std::string log_path_;
};

// Wait for pid and turn its status into an exit code (128+signal if killed).
int wait_exit_code(int pid);
// In a forked child before exec: the shim blocks SIGCHLD and ignores
// SIGPIPE; the runtime and the container must not inherit that.
void reset_signals_for_child();
// A raw wait status as Docker's exit code.
int exit_code_of(int wait_status);

} // namespace berth::shim
