// exec_client.h — the container service's view of one exec driver plugin
// (berth/exec.h): every operation is one call through the CallExecutor, and a
// failure becomes ExecError carrying the BERTH_E_* code and the plugin's
// message. wait() is not offered: exits arrive as "exit" events, so no
// worker thread is held for a container's lifetime.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace berth::plugins {
class Slot;
class CallExecutor;
} // namespace berth::plugins

namespace berth::containers {

class ExecError : public std::runtime_error {
public:
    ExecError(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const { return code_; }

private:
    int32_t code_;
};

// The stdio handed to create/exec/attach; fds are borrowed for the call.
struct ExecStdio {
    bool terminal = false;
    int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
    unsigned rows = 0, cols = 0;
};

class ExecClient {
public:
    ExecClient(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor);

    const std::string &driver_name() const;

    // Returns the init pid.
    int create(const std::string &id, const std::string &bundle_dir, const std::string &options_json,
               const ExecStdio &stdio);
    void start(const std::string &id);
    std::string state(const std::string &id);
    void kill(const std::string &id, const std::string &exec_id, int signal, bool all);
    void remove(const std::string &id);
    int exec(const std::string &id, const std::string &exec_id, const std::string &process_json,
             const ExecStdio &stdio);
    void attach(const std::string &id, const std::string &exec_id, const ExecStdio &stdio);
    void resize(const std::string &id, const std::string &exec_id, unsigned rows, unsigned cols);
    void close_stdin(const std::string &id, const std::string &exec_id);
    void pause(const std::string &id);
    void resume(const std::string &id);
    void update(const std::string &id, const std::string &resources_json);
    std::string pids(const std::string &id);
    std::string stats(const std::string &id);
    void restore(const std::string &id, const std::string &options_json);

private:
    std::shared_ptr<plugins::Slot> slot_;
    plugins::CallExecutor &executor_;
};

} // namespace berth::containers
