// Server's stdio plumbing: pipes or a pty (through the runtime's console
// socket), copying output to attached clients and the log driver, and
// attached clients' input to the process.
#include "server.hpp"

#include "protocol.hpp"
#include "server_util.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::shim {

bool Server::setup_stdio(Proc &p, int in, int out, int err, bool open_stdin, int &child_in,
                         int &child_out, int &child_err) {
    // The given fds become the first sink and the first input source; the
    // shim owns them now.
    p.sinks.push_back({out, p.terminal ? -1 : err});
    if (p.terminal && err >= 0) close(err);
    // Index 0 is always the creator's stdin (-1 when none), see copy_input.
    p.host_stdin = in >= 0;
    p.stdin_sources.push_back(in);
    if (p.terminal) return true;  // stdio comes from the pty
    int fds[2];
    // Without -i the process reads /dev/null, as with Docker.
    if (in >= 0 || open_stdin) {
        if (pipe2(fds, O_CLOEXEC) != 0) return false;
        child_in = fds[0];
        p.ctr_stdin = fds[1];
    }
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    p.out_fd = fds[0];
    child_out = fds[1];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    p.err_fd = fds[0];
    child_err = fds[1];
    return true;
}

// runc connects to the console socket and passes the pty master; it may
// also fail before that, so watch the runtime process while waiting.
bool Server::receive_console(Proc &p, int listen_fd, int runtime_pid, unsigned rows,
                             unsigned cols, std::string &err) {
    pollfd pf{listen_fd, POLLIN, 0};
    for (;;) {
        int r = poll(&pf, 1, 100);
        if (r > 0) break;
        int st = 0;
        if (waitpid(runtime_pid, &st, WNOHANG) == runtime_pid) {
            err = runtime_.last_logged_error();
            if (err.empty()) err = "runtime exited with " + std::to_string(exit_code_of(st));
            return false;
        }
    }
    int c = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
        err = std::string("console socket accept: ") + std::strerror(errno);
        return false;
    }
    char buf[256];
    std::vector<int> fds;
    recv_with_fds(c, buf, sizeof buf, fds);
    close(c);
    if (fds.empty()) {
        err = "runtime sent no pty master on the console socket";
        return false;
    }
    p.pty = fds[0];
    for (size_t i = 1; i < fds.size(); ++i) close(fds[i]);
    if (rows != 0 && cols != 0) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(rows);
        ws.ws_col = static_cast<unsigned short>(cols);
        ioctl(p.pty, TIOCSWINSZ, &ws);
    }
    p.out_fd = p.pty;
    p.ctr_stdin = fcntl(p.pty, F_DUPFD_CLOEXEC, 0);
    return true;
}

std::string Server::run_runtime(Proc &p, std::vector<std::string> args, const std::string &id,
                                const std::string &console_path, unsigned rows, unsigned cols) {
    sockaddr_un caddr{};
    if (!make_unix_addr(console_path, caddr)) return "console socket path too long: " + console_path;
    unlink(console_path.c_str());
    int console_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (console_listen < 0 ||
        bind(console_listen, reinterpret_cast<sockaddr *>(&caddr), sizeof caddr) != 0 ||
        listen(console_listen, 1) != 0) {
        std::string e = "console socket: " + std::string(std::strerror(errno));
        close_fd(console_listen);
        return e;
    }
    args.push_back("--console-socket");
    args.push_back(console_path);
    args.push_back(id);
    // Run the runtime asynchronously: it blocks until we take the pty.
    std::vector<std::string> argv{o_.runtime};
    argv.insert(argv.end(), o_.runtime_args.begin(), o_.runtime_args.end());
    argv.push_back("--log");
    argv.push_back(o_.dir + "/runtime.log");
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char *> cargv;
    for (auto &a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        int devnull = open("/dev/null", O_RDWR);
        for (int i = 0; i < 3; ++i) dup2(devnull, i);
        close_range(3, ~0U, 0);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    std::string err;
    if (pid < 0 || !receive_console(p, console_listen, pid, rows, cols, err)) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            wait_exit_code(pid);
        }
        close_fd(console_listen);
        unlink(console_path.c_str());
        return err.empty() ? std::string("fork failed") : err;
    }
    int status = wait_exit_code(pid);
    close_fd(console_listen);
    unlink(console_path.c_str());
    if (status != 0) {
        std::string msg = runtime_.last_logged_error();
        return msg.empty() ? "runtime exited with " + std::to_string(status) : msg;
    }
    return {};
}

std::string Server::open_log() {
    if (o_.log_library.empty()) return {};
    LogDriverSpec spec;
    spec.library = o_.log_library;
    spec.driver = o_.log_driver;
    spec.plugin_config = o_.log_plugin_config;
    spec.home_dir = o_.dir;
    bool ok = false;
    spec.info_json = read_text_file(o_.log_info_file, ok);
    if (!ok) return "log driver library " + o_.log_library + ": cannot read " + o_.log_info_file;
    std::string err;
    if (!log_.open(spec, err)) return err;
    auto sink = [this](const berth_log_entry *e, size_t n) { log_.write(e, n); };
    log_stdout_ = std::make_unique<LineSplitter>(BERTH_LOG_STDOUT, sink);
    log_stderr_ = std::make_unique<LineSplitter>(BERTH_LOG_STDERR, sink);
    return {};
}

void Server::log_output(const char *data, size_t len, bool is_stderr) {
    if (!log_.active()) return;
    // With a terminal everything arrives on the pty: all of it is stdout.
    (is_stderr ? log_stderr_ : log_stdout_)->feed(data, len, wall_clock_ns());
}

void Server::flush_log() {
    if (!log_.active()) return;
    log_stdout_->flush(wall_clock_ns());
    log_stderr_->flush(wall_clock_ns());
}

void Server::broadcast(Proc &p, const char *data, size_t len, bool is_stderr) {
    for (auto &s : p.sinks) {
        int &fd = (is_stderr && s.err >= 0) ? s.err : s.out;
        if (fd < 0) continue;
        // A reader that went away is dropped; the others keep receiving.
        if (!write_all(fd, data, len)) {
            if (&fd == &s.err) close_fd(s.err);
            else close_fd(s.out);
        }
    }
}

void Server::copy_output(Proc &p, int &src, bool is_stderr) {
    char buf[32768];
    ssize_t n = read(src, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
        // EOF, or EIO from a pty master whose slave side is all closed.
        if (src == p.pty) p.pty = -1;
        close_fd(src);
        if (&p == &init_ && log_.active())
            (is_stderr ? log_stderr_ : log_stdout_)->flush(wall_clock_ns());
        return;
    }
    // Docker logs init's output only, never an exec's.
    if (&p == &init_) log_output(buf, static_cast<size_t>(n), is_stderr);
    broadcast(p, buf, static_cast<size_t>(n), is_stderr);
}

void Server::copy_input(Proc &p, size_t idx) {
    char buf[32768];
    int &src = p.stdin_sources[idx];
    ssize_t n = read(src, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
        close_fd(src);
        // The creator's stdin ending is the process's stdin ending (pipes),
        // and so is any attached client's with stdin_once (dockerd's
        // StdinOnce). A pty keeps going, as with `docker run -it` when a
        // client detaches: dockerd never closes a terminal's input.
        bool creator = idx == 0 && p.host_stdin;
        if (!p.terminal && (creator || p.stdin_once)) close_fd(p.ctr_stdin);
        return;
    }
    if (p.ctr_stdin >= 0 && !write_all(p.ctr_stdin, buf, static_cast<size_t>(n)))
        close_fd(p.ctr_stdin);
}

void Server::close_stdin(Proc &p) {
    if (p.terminal) {
        // Closing a pty master would hang up the session; send EOF instead.
        if (p.ctr_stdin >= 0) write_all(p.ctr_stdin, "\x04", 1);
        return;
    }
    close_fd(p.ctr_stdin);
}

} // namespace berth::shim
