// server.hpp — berth-shim's life after daemonising: create the container
// through the runtime, hold its stdio, serve the control socket, record the
// exit. Single-threaded poll loop: one process per container must stay tiny.
#pragma once

#include "options.hpp"
#include "runtime.hpp"

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
    enum class Status { created, running, stopped };

    bool setup_stdio(int &child_in, int &child_out, int &child_err);
    bool receive_console(int listen_fd, int runtime_pid, std::string &err);
    void report_ready(const std::string &line);

    void handle_client(int fd);
    std::string handle_request(int fd, const std::string &line, std::vector<int> &fds,
                               bool &keep_open);
    void copy_output(int &src, bool is_stderr);
    void copy_input(size_t idx);
    void reap_children();
    void finish_exit();
    void write_exit_file();
    void close_stdin();
    void broadcast(const char *data, size_t len, bool is_stderr);

    Options o_;
    Runtime runtime_;
    Status status_ = Status::created;
    int init_pid_ = -1;
    int listen_fd_ = -1;
    int signal_fd_ = -1;
    int out_fd_ = -1;     // container stdout pipe (read end) or pty master
    int err_fd_ = -1;     // container stderr pipe (read end)
    int ctr_stdin_ = -1;  // container stdin pipe (write end) or a pty master dup
    int pty_ = -1;        // pty master kept for resize
    std::vector<int> stdin_sources_;  // host / attach fds we read input from
    std::vector<Sink> sinks_;
    std::vector<int> waiters_;
    bool exited_ = false;     // init reaped
    bool finished_ = false;   // exit recorded and announced
    long long exit_deadline_ms_ = 0;
    int exit_code_ = -1;
    std::string exited_at_;
    bool quit_ = false;
};

// RFC3339Nano in UTC, trailing zeros of the fraction trimmed (Go's format).
std::string rfc3339_nano_now();

} // namespace berth::shim
