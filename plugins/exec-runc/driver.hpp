// driver.hpp — the exec-runc driver: containers by id, each run by its own
// berth-shim; the plugin only talks to shims over their sockets, so a new
// instance (after berthd restarts) re-adopts them with restore().
#pragma once

#include <berth/exec.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace berth::execrunc {

class Driver {
public:
    // runtime_path: the runtime features() and can_handle() speak for
    // (plugin config "runtime-path"; containers name theirs in options_json).
    Driver(const berth_host *host, std::string shim_path, std::string runtime_path);
    ~Driver();  // stops exit watchers; never touches the shims

    int create(const std::string &id, const berth_exec_create_opts &opts);
    void start(const std::string &id);
    std::string state(const std::string &id);
    void kill(const std::string &id, const std::string &exec_id, int signal, bool all);
    int wait(const std::string &id, const std::string &exec_id,
             const std::function<bool()> &cancelled);
    void remove(const std::string &id);
    void attach(const std::string &id, const std::string &exec_id, const berth_exec_stdio &stdio);
    void resize(const std::string &id, const std::string &exec_id, unsigned rows, unsigned cols);
    void close_stdin(const std::string &id, const std::string &exec_id);
    void restore(const std::string &id, const std::string &options_json);
    // Start an exec process (OCI process JSON); returns its host pid. Its
    // exit is announced as an "exit" event with exec_id set.
    int exec(const std::string &id, const std::string &exec_id, const std::string &process_json,
             const berth_exec_stdio &stdio);
    void pause(const std::string &id);
    void resume(const std::string &id);
    // resources_json: an OCI linux.resources object.
    void update(const std::string &id, const std::string &resources_json);
    std::string pids(const std::string &id);   // JSON array of host pids
    std::string stats(const std::string &id);  // Docker's stats shape
    std::string features();                    // `runc features` JSON
    bool can_handle(const std::string &spec_json);

private:
    struct Container {
        std::string dir, runtime;
        std::vector<std::string> runtime_args;
        std::atomic<bool> deleting{false};
    };
    // options_json as create and restore receive it (exec.h documents it).
    struct Options {
        std::string dir, runtime;
        std::vector<std::string> runtime_args;
        bool open_stdin = false, stdin_once = false;
        // "start": true — create also starts the container; start() is then a no-op.
        bool start = false;
        // Present in options_json: these win over berth_exec_stdio's.
        std::optional<bool> terminal;
        std::optional<unsigned> rows, cols;
        // "log": {...}; empty library = no log driver.
        std::string log_library, log_driver, log_plugin_config, log_info_json;
    };

    Options parse_options(const std::string &id, const char *json) const;
    std::shared_ptr<Container> find(const std::string &id);
    // Run a short runtime command for container id; throws its error.
    std::string runtime(const Container &c, const std::string &id,
                        const std::vector<std::string> &args);
    int init_pid(const std::string &id);
    std::shared_ptr<Container> adopt(const std::string &id, const Options &o);
    // One request to the container's shim; throws with the shim's error.
    std::string call(const std::string &id, const std::string &line,
                     const std::vector<int> &fds = {});
    void watch_exit(std::string id, std::shared_ptr<Container> c);
    void watch_exec_exit(std::string id, std::string exec_id, std::shared_ptr<Container> c);
    // After restore: watch the exec processes whose exit is not announced.
    void watch_unreported_execs(const std::string &id, const std::shared_ptr<Container> &c);
    void emit_exit(const std::string &id, const std::string &exit_json,
                   const std::string &exec_id = {});

    const berth_host *host_;
    std::string shim_path_, runtime_path_;
    std::mutex mu_;
    std::map<std::string, std::shared_ptr<Container>> containers_;
    std::vector<std::thread> watchers_;
    std::atomic<bool> stopping_{false};
};

// What a container whose shim is gone looks like, from the files the shim
// left (<dir>/exit, <dir>/init.pid). When the init still runs without its
// shim (nobody holds its stdio) it is killed and recorded as 137. Returns
// the exit JSON, or "" when the directory holds no trace of a container.
std::string recover_without_shim(const std::string &dir);

} // namespace berth::execrunc
