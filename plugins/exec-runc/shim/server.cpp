#include "server.hpp"

#include "protocol.hpp"

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

namespace {

// Output still buffered in the pipes after init exits is drained for at
// most this long before the exit is announced (a stray holder of the pipe
// must not delay wait forever).
constexpr long long drain_limit_ms = 2000;

long long now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void close_fd(int &fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

std::string json_escape(const std::string &s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string error_reply(const std::string &msg) {
    return "{\"ok\":false,\"error\":\"" + json_escape(msg) + "\"}\n";
}

const char *status_name(int s) {
    static const char *names[] = {"created", "running", "stopped"};
    return names[s];
}

} // namespace

std::string rfc3339_nano_now() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    std::string s(buf, n);
    if (ts.tv_nsec != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        s += f;
    }
    return s + "Z";
}

Server::Server(Options o)
    : o_(std::move(o)), runtime_(o_.runtime, o_.runtime_args, o_.dir + "/runtime.log") {}

void Server::report_ready(const std::string &line) {
    if (o_.ready_fd < 0) return;
    write_all(o_.ready_fd, line.data(), line.size());
    close_fd(o_.ready_fd);
}

bool Server::setup_stdio(int &child_in, int &child_out, int &child_err) {
    // Host fds become the first sink and the first input source; the shim
    // owns them now (they were inherited across exec).
    sinks_.push_back({o_.stdout_fd, o_.terminal ? -1 : o_.stderr_fd});
    if (o_.terminal) close_fd(o_.stderr_fd);
    // Index 0 is always the host's stdin (-1 when none), see copy_input.
    stdin_sources_.push_back(o_.stdin_fd);
    if (o_.terminal) return true;  // stdio comes from the pty
    int p[2];
    // Without -i the container reads /dev/null, as with Docker.
    if (o_.stdin_fd >= 0) {
        if (pipe2(p, O_CLOEXEC) != 0) return false;
        child_in = p[0];
        ctr_stdin_ = p[1];
    }
    if (pipe2(p, O_CLOEXEC) != 0) return false;
    out_fd_ = p[0];
    child_out = p[1];
    if (pipe2(p, O_CLOEXEC) != 0) return false;
    err_fd_ = p[0];
    child_err = p[1];
    return true;
}

// runc connects to the console socket and passes the pty master; it may
// also fail before that, so watch the runtime process while waiting.
bool Server::receive_console(int listen_fd, int runtime_pid, std::string &err) {
    (void)runtime_pid;
    pollfd p{listen_fd, POLLIN, 0};
    for (;;) {
        int r = poll(&p, 1, 100);
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
    pty_ = fds[0];
    for (size_t i = 1; i < fds.size(); ++i) close(fds[i]);
    if (o_.rows != 0 && o_.cols != 0) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(o_.rows);
        ws.ws_col = static_cast<unsigned short>(o_.cols);
        ioctl(pty_, TIOCSWINSZ, &ws);
    }
    out_fd_ = pty_;
    ctr_stdin_ = fcntl(pty_, F_DUPFD_CLOEXEC, 0);
    return true;
}

bool Server::create() {
    const std::string sock = o_.dir + "/" + socket_name;
    sockaddr_un addr{};
    if (!make_unix_addr(sock, addr)) {
        report_ready("error socket path too long: " + sock + "\n");
        return false;
    }
    unlink(sock.c_str());
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 16) != 0) {
        report_ready("error cannot listen on " + sock + ": " + std::strerror(errno) + "\n");
        return false;
    }
    chmod(sock.c_str(), 0600);

    int child_in = -1, child_out = -1, child_err = -1;
    if (!setup_stdio(child_in, child_out, child_err)) {
        report_ready(std::string("error stdio pipes: ") + std::strerror(errno) + "\n");
        return false;
    }
    const std::string pid_file = o_.dir + "/" + pid_file_name;
    unlink(pid_file.c_str());
    std::vector<std::string> args{"create", "--bundle", o_.bundle, "--pid-file", pid_file};

    int console_listen = -1;
    std::string console_path = o_.dir + "/console.sock";
    if (o_.terminal) {
        sockaddr_un caddr{};
        if (!make_unix_addr(console_path, caddr)) {
            report_ready("error console socket path too long: " + console_path + "\n");
            return false;
        }
        unlink(console_path.c_str());
        console_listen = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (console_listen < 0 ||
            bind(console_listen, reinterpret_cast<sockaddr *>(&caddr), sizeof caddr) != 0 ||
            listen(console_listen, 1) != 0) {
            report_ready("error console socket: " + std::string(std::strerror(errno)) + "\n");
            return false;
        }
        args.push_back("--console-socket");
        args.push_back(console_path);
    }
    args.push_back(o_.id);

    RuntimeResult r;
    if (o_.terminal) {
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
        if (pid < 0 || !receive_console(console_listen, pid, err)) {
            if (pid > 0) {
                kill(pid, SIGKILL);
                wait_exit_code(pid);
            }
            close_fd(console_listen);
            unlink(console_path.c_str());
            report_ready("error " + (err.empty() ? std::string("fork failed") : err) + "\n");
            return false;
        }
        r.status = wait_exit_code(pid);
        close_fd(console_listen);
        unlink(console_path.c_str());
    } else {
        r = runtime_.run_with_stdio(args, child_in, child_out, child_err);
    }
    close_fd(child_in);
    close_fd(child_out);
    close_fd(child_err);
    if (!r.ok()) {
        std::string msg = runtime_.last_logged_error();
        if (msg.empty()) msg = r.output.empty() ? "runtime create failed" : r.output;
        report_ready("error " + msg + "\n");
        return false;
    }
    std::ifstream pf(pid_file);
    if (!(pf >> init_pid_)) {
        report_ready("error runtime wrote no pid file\n");
        return false;
    }
    report_ready("ok " + std::to_string(init_pid_) + "\n");
    return true;
}

void Server::broadcast(const char *data, size_t len, bool is_stderr) {
    for (auto &s : sinks_) {
        int &fd = (is_stderr && s.err >= 0) ? s.err : s.out;
        if (fd < 0) continue;
        // A reader that went away is dropped; the others keep receiving.
        if (!write_all(fd, data, len)) {
            if (&fd == &s.err) close_fd(s.err);
            else close_fd(s.out);
        }
    }
}

void Server::copy_output(int &src, bool is_stderr) {
    char buf[32768];
    ssize_t n = read(src, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
        // EOF, or EIO from a pty master whose slave side is all closed.
        if (src == pty_) pty_ = -1;
        close_fd(src);
        return;
    }
    broadcast(buf, static_cast<size_t>(n), is_stderr);
}

void Server::copy_input(size_t idx) {
    char buf[32768];
    int &src = stdin_sources_[idx];
    ssize_t n = read(src, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
        close_fd(src);
        // The host's stdin ending is the container's stdin ending (pipes);
        // a pty keeps going, as with `docker run -it` when a client detaches.
        if (idx == 0 && !o_.terminal && o_.stdin_fd >= 0) close_fd(ctr_stdin_);
        return;
    }
    if (ctr_stdin_ >= 0 && !write_all(ctr_stdin_, buf, static_cast<size_t>(n)))
        close_fd(ctr_stdin_);
}

void Server::close_stdin() {
    if (o_.terminal) {
        // Closing a pty master would hang up the session; send EOF instead.
        if (ctr_stdin_ >= 0) write_all(ctr_stdin_, "\x04", 1);
        return;
    }
    close_fd(ctr_stdin_);
}

void Server::reap_children() {
    int st = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == init_pid_ && !exited_) {
            exited_ = true;
            exit_code_ = exit_code_of(st);
            exited_at_ = rfc3339_nano_now();
            exit_deadline_ms_ = now_ms() + drain_limit_ms;
        }
    }
}

void Server::write_exit_file() {
    const std::string path = o_.dir + "/" + exit_file_name;
    const std::string tmp = path + ".tmp";
    std::string body = "{\"exit_code\":" + std::to_string(exit_code_) + ",\"exited_at\":\"" +
                       exited_at_ + "\",\"oom_killed\":false}\n";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    bool ok = write_all(fd, body.data(), body.size()) && fsync(fd) == 0;
    close(fd);
    if (ok) rename(tmp.c_str(), path.c_str());
}

void Server::finish_exit() {
    finished_ = true;
    status_ = Status::stopped;
    write_exit_file();
    close_fd(out_fd_);
    close_fd(err_fd_);
    close_fd(ctr_stdin_);
    for (int &fd : stdin_sources_) close_fd(fd);
    // Readers see EOF once the container is gone.
    for (auto &s : sinks_) {
        close_fd(s.out);
        close_fd(s.err);
    }
    std::string reply = "{\"ok\":true,\"exit_code\":" + std::to_string(exit_code_) +
                        ",\"exited_at\":\"" + exited_at_ + "\"}\n";
    for (int &w : waiters_) {
        write_all(w, reply.data(), reply.size());
        close_fd(w);
    }
    waiters_.clear();
}

std::string Server::handle_request(int fd, const std::string &line, std::vector<int> &fds,
                                   bool &keep_open) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd == "state") {
        std::string s = "{\"ok\":true,\"status\":\"";
        s += status_name(static_cast<int>(status_));
        s += "\",\"pid\":" + std::to_string(init_pid_);
        if (finished_)
            s += ",\"exit_code\":" + std::to_string(exit_code_) + ",\"exited_at\":\"" +
                 exited_at_ + "\"";
        s += ",\"oom_killed\":false,\"shim_pid\":" + std::to_string(getpid()) + "}\n";
        return s;
    }
    if (cmd == "start") {
        if (status_ != Status::created) return error_reply("container is not in created state");
        RuntimeResult r = runtime_.run_captured({"start", o_.id});
        if (!r.ok()) return error_reply(r.output);
        status_ = Status::running;
        return "{\"ok\":true}\n";
    }
    if (cmd == "kill") {
        int sig = 0, all = 0;
        if (!(in >> sig >> all) || sig <= 0 || sig >= 65) return error_reply("bad kill request");
        if (exited_ && !all) return error_reply("container " + o_.id + " is not running");
        std::vector<std::string> args{"kill"};
        if (all) args.push_back("--all");
        args.push_back(o_.id);
        args.push_back(std::to_string(sig));
        RuntimeResult r = runtime_.run_captured(args);
        if (!r.ok()) return error_reply(r.output);
        return "{\"ok\":true}\n";
    }
    if (cmd == "wait") {
        if (finished_)
            return "{\"ok\":true,\"exit_code\":" + std::to_string(exit_code_) +
                   ",\"exited_at\":\"" + exited_at_ + "\"}\n";
        waiters_.push_back(fd);
        keep_open = true;
        return {};
    }
    if (cmd == "attach") {
        int mask = 0;
        in >> mask;
        size_t next = 0;
        auto take = [&](int bit) {
            if (!(mask & bit) || next >= fds.size()) return -1;
            int f = fds[next];
            fds[next++] = -1;
            return f;
        };
        int a_in = take(attach_stdin), a_out = take(attach_stdout), a_err = take(attach_stderr);
        if (finished_) {
            for (int f : {a_in, a_out, a_err})
                if (f >= 0) close(f);
            return error_reply("container " + o_.id + " is not running");
        }
        if (a_in >= 0) stdin_sources_.push_back(a_in);
        if (a_out >= 0 || a_err >= 0) sinks_.push_back({a_out, a_err});
        return "{\"ok\":true}\n";
    }
    if (cmd == "resize") {
        unsigned rows = 0, cols = 0;
        in >> rows >> cols;
        if (pty_ < 0) return error_reply("container " + o_.id + " has no terminal");
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(rows);
        ws.ws_col = static_cast<unsigned short>(cols);
        if (ioctl(pty_, TIOCSWINSZ, &ws) != 0)
            return error_reply(std::string("resize: ") + std::strerror(errno));
        return "{\"ok\":true}\n";
    }
    if (cmd == "close_stdin") {
        close_stdin();
        return "{\"ok\":true}\n";
    }
    if (cmd == "delete") {
        RuntimeResult r = runtime_.run_captured({"delete", "--force", o_.id});
        if (!r.ok()) return error_reply(r.output);
        quit_ = true;
        return "{\"ok\":true}\n";
    }
    if (cmd == "shutdown") {
        quit_ = true;
        return "{\"ok\":true}\n";
    }
    return error_reply("unknown request " + cmd);
}

void Server::handle_client(int fd) {
    // The plugin writes its request right after connecting; a client that
    // does not is cut off after a second so the loop never stalls.
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    std::vector<int> fds;
    char buf[512];
    while (line.find('\n') == std::string::npos && line.size() < 4096) {
        ssize_t n = recv_with_fds(fd, buf, sizeof buf, fds);
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
    }
    bool keep_open = false;
    std::string reply;
    if (line.find('\n') == std::string::npos) reply = error_reply("incomplete request");
    else reply = handle_request(fd, line.substr(0, line.find('\n')), fds, keep_open);
    for (int f : fds)
        if (f >= 0) close(f);
    if (!reply.empty()) write_all(fd, reply.data(), reply.size());
    if (!keep_open) close(fd);
}

int Server::run() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    reap_children();  // anything that exited before the signalfd existed

    while (!quit_) {
        std::vector<pollfd> p;
        p.push_back({listen_fd_, POLLIN, 0});
        p.push_back({signal_fd_, POLLIN, 0});
        const size_t first_out = p.size();
        p.push_back({out_fd_, POLLIN, 0});
        p.push_back({err_fd_, POLLIN, 0});
        const size_t first_in = p.size();
        for (int fd : stdin_sources_) p.push_back({fd, POLLIN, 0});
        int timeout = -1;
        if (exited_ && !finished_) {
            long long left = exit_deadline_ms_ - now_ms();
            timeout = left > 0 ? static_cast<int>(left) : 0;
        }
        int n = poll(p.data(), p.size(), timeout);
        if (n < 0 && errno != EINTR) break;
        if (n > 0) {
            if (p[1].revents) {
                signalfd_siginfo si;
                while (read(signal_fd_, &si, sizeof si) == sizeof si) {
                }
                reap_children();
            }
            if (p[first_out].revents) copy_output(out_fd_, false);
            if (p[first_out + 1].revents) copy_output(err_fd_, true);
            for (size_t i = 0; i < stdin_sources_.size() && first_in + i < p.size(); ++i)
                if (p[first_in + i].revents) copy_input(i);
            if (p[0].revents) {
                int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0) handle_client(c);
            }
        }
        // Stdin sources that closed are dropped (keep index 0: the host's).
        for (size_t i = stdin_sources_.size(); i-- > 1;)
            if (stdin_sources_[i] < 0) stdin_sources_.erase(stdin_sources_.begin() + static_cast<long>(i));
        if (exited_ && !finished_ &&
            ((out_fd_ < 0 && err_fd_ < 0) || now_ms() >= exit_deadline_ms_))
            finish_exit();
    }
    for (int &w : waiters_) {
        std::string r = error_reply("shim shut down");
        write_all(w, r.data(), r.size());
        close_fd(w);
    }
    unlink((o_.dir + "/" + socket_name).c_str());
    return 0;
}

} // namespace berth::shim
