// server.hpp — berth-shim's life after daemonising: create the container
// through the runtime, hold its stdio, serve the control socket, record the
// exit. Single-threaded poll loop: one process per container must stay tiny.
// Defined in server.cpp (lifecycle, exits, the loop), server_stdio.cpp
// (pipes, pty, copying, logging) and server_requests.cpp (the socket).
#pragma once

#include "log_driver.hpp"
#include "log_lines.hpp"
#include "options.hpp"
#include "runtime.hpp"

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace berth::shim {

class Server {
public:
    explicit Server(Options o);
    // Create the container; reports "ok <pid>" / "error <msg>" on the ready
    // fd. Returns false when creation failed (the shim then exits).
    bool create();
    // Serve until delete or shutdown. Returns the process exit code.
    int run();

private:
    struct Sink {
        int out = -1, err = -1;
    };
    // One process whose stdio the shim owns: init, or an exec process.
    struct Proc {
        int pid = -1;
        bool terminal = false;
        bool host_stdin = false;  // stdin_sources[0] is the creator's stdin
        bool stdin_once = false;  // the first stdin source to end closes ctr_stdin
        bool reported = false;    // exec: the plugin has announced its exit
        int out_fd = -1;     // stdout pipe (read end) or pty master
        int err_fd = -1;     // stderr pipe (read end)
        int ctr_stdin = -1;  // stdin pipe (write end) or a pty master dup
        int pty = -1;        // pty master kept for resize
        std::vector<int> stdin_sources;  // host / attach fds we read input from
        std::vector<Sink> sinks;
        std::vector<int> waiters;
        bool exited = false;    // reaped
        bool finished = false;  // exit announced to waiters
        long long exit_deadline_ms = 0;
        int exit_code = -1;
        std::string exited_at;
    };
    enum class Status { created, running, stopped };

    // open_stdin: a stdin pipe even when in is -1 (clients attach later).
    bool setup_stdio(Proc &p, int in, int out, int err, bool open_stdin, int &child_in,
                     int &child_out, int &child_err);
    // Load and start the log driver named by the options; "" or the error.
    std::string open_log();
    // Hand init's output to the log driver (no-op without one).
    void log_output(const char *data, size_t len, bool is_stderr);
    void flush_log();
    bool receive_console(Proc &p, int listen_fd, int runtime_pid, unsigned rows, unsigned cols,
                         std::string &err);
    // Run the runtime with args plus --console-socket and the id, taking the
    // pty master it sends into p (terminal processes). Returns "" or the error.
    std::string run_runtime(Proc &p, std::vector<std::string> args, const std::string &id,
                            const std::string &console_path, unsigned rows, unsigned cols);
    void report_ready(const std::string &line);

    void handle_client(int fd);
    std::string handle_request(int fd, const std::string &line, std::vector<int> &fds,
                               bool &keep_open);
    std::string handle_proc_request(Proc &p, const std::string &what, const std::string &cmd,
                                    std::istringstream &in, int fd, std::vector<int> &fds,
                                    bool &keep_open);
    std::string start_exec(const std::string &exec_id, std::istringstream &in,
                           std::vector<int> &fds);
    void copy_output(Proc &p, int &src, bool is_stderr);
    void copy_input(Proc &p, size_t idx);
    void reap_children();
    void record_exit(Proc &p, int status);
    void finish(Proc &p);
    // The wait reply / exit record of p: exit_code, exited_at, oom_killed.
    std::string exit_reply(const Proc &p) const;
    void write_exit_file();
    void remove_files();
    // The runtime's delete, started as soon as the init exits so that it
    // overlaps berthd's own handling of the exit (saving the record,
    // unmounting, removing an --rm container's layers) instead of
    // following it. Docker deletes the task at exit too; nothing needs the
    // runtime's state of a stopped container: the OOM counter is read
    // first (record_exit), and kill/exec of a stopped container fail either
    // way. The delete request waits for it (await_early_delete).
    void start_early_delete();
    // The early delete's exit code once it has ended (waiting for it if it
    // runs), or -1 when none was started.
    int await_early_delete();
    void close_stdin(Proc &p);
    void broadcast(Proc &p, const char *data, size_t len, bool is_stderr);

    Options o_;
    Runtime runtime_;
    Status status_ = Status::created;
    Proc init_;
    std::map<std::string, Proc> execs_;
    std::map<int, int> unclaimed_exits_;  // reaped before we knew the pid
    LogDriver log_;
    std::unique_ptr<LineSplitter> log_stdout_, log_stderr_;  // set with a log driver
    std::string oom_file_;    // the memory cgroup's oom_kill counter file
    long long oom_base_ = 0;  // its value when the container was created
    bool oom_killed_ = false;
    int early_delete_pid_ = -1;     // the running early delete, reaped in reap_children
    int early_delete_status_ = -1;  // its exit code once reaped
    int listen_fd_ = -1;
    int signal_fd_ = -1;
    bool quit_ = false;
};

// RFC3339Nano in UTC, trailing zeros of the fraction trimmed (Go's format).
std::string rfc3339_nano_now();

} // namespace berth::shim
