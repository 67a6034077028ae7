#include "server.hpp"

#include "oom_counter.hpp"
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

int64_t wall_clock_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

std::string read_text_file(const std::string &path, bool &ok) {
    std::ifstream in(path);
    ok = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

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

    // The log driver first: a library that does not load fails create
    // before any container exists.
    std::string log_err = open_log();
    if (!log_err.empty()) {
        report_ready("error " + log_err + "\n");
        return false;
    }

    init_.terminal = o_.terminal;
    init_.stdin_once = o_.stdin_once;
    int child_in = -1, child_out = -1, child_err = -1;
    if (!setup_stdio(init_, o_.stdin_fd, o_.stdout_fd, o_.stderr_fd, o_.open_stdin, child_in,
                     child_out, child_err)) {
        report_ready(std::string("error stdio pipes: ") + std::strerror(errno) + "\n");
        return false;
    }
    o_.stdin_fd = o_.stdout_fd = o_.stderr_fd = -1;  // owned by init_ now
    const std::string pid_file = o_.dir + "/" + pid_file_name;
    unlink(pid_file.c_str());
    std::vector<std::string> args{"create", "--bundle", o_.bundle, "--pid-file", pid_file};

    if (o_.terminal) {
        std::string err = run_runtime(init_, args, o_.id, o_.dir + "/console.sock", o_.rows, o_.cols);
        if (!err.empty()) {
            report_ready("error " + err + "\n");
            return false;
        }
    } else {
        args.push_back(o_.id);
        RuntimeResult r = runtime_.run_with_stdio(args, child_in, child_out, child_err);
        close_fd(child_in);
        close_fd(child_out);
        close_fd(child_err);
        if (!r.ok()) {
            std::string msg = runtime_.last_logged_error();
            if (msg.empty()) msg = r.output.empty() ? "runtime create failed" : r.output;
            report_ready("error " + msg + "\n");
            return false;
        }
    }
    std::ifstream pf(pid_file);
    if (!(pf >> init_.pid)) {
        report_ready("error runtime wrote no pid file\n");
        return false;
    }
    oom_file_ = oom_counter_file(init_.pid);
    if (oom_file_.empty())
        std::fprintf(stderr, "berth-shim: no memory cgroup OOM counter for pid %d; OOM kills go unreported\n",
                     init_.pid);
    oom_base_ = std::max(0LL, read_oom_kill_count(oom_file_));
    report_ready("ok " + std::to_string(init_.pid) + "\n");
    return true;
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

void Server::record_exit(Proc &p, int status) {
    if (p.exited) return;
    p.exited = true;
    p.exit_code = exit_code_of(status);
    // Read the counter now: the cgroup lasts until `runc delete`. A kill of
    // some other process of the container does not make init oom_killed.
    if (&p == &init_ && p.exit_code == 137 && read_oom_kill_count(oom_file_) > oom_base_)
        oom_killed_ = true;
    p.exited_at = rfc3339_nano_now();
    p.exit_deadline_ms = now_ms() + drain_limit_ms;
}

void Server::reap_children() {
    int st = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == init_.pid) {
            record_exit(init_, st);
            continue;
        }
        bool known = false;
        for (auto &[id, p] : execs_)
            if (p.pid == pid) record_exit(p, st), known = true;
        // An exec process may exit before its pid file is read.
        if (!known) unclaimed_exits_[pid] = st;
    }
}

// delete: the container is gone, so are the files the shim kept for it (the
// socket goes when the loop ends). The container directory itself belongs
// to whoever passed it.
void Server::remove_files() {
    for (const char *name : shim_files) unlink((o_.dir + "/" + name).c_str());
}

void Server::write_exit_file() {
    const std::string path = o_.dir + "/" + exit_file_name;
    const std::string tmp = path + ".tmp";
    std::string body = "{\"exit_code\":" + std::to_string(init_.exit_code) + ",\"exited_at\":\"" +
                       init_.exited_at + "\",\"oom_killed\":" + (oom_killed_ ? "true" : "false") +
                       "}\n";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    bool ok = write_all(fd, body.data(), body.size()) && fsync(fd) == 0;
    close(fd);
    if (ok) rename(tmp.c_str(), path.c_str());
}

std::string Server::exit_reply(const Proc &p) const {
    bool oom = &p == &init_ && oom_killed_;
    return "{\"ok\":true,\"exit_code\":" + std::to_string(p.exit_code) + ",\"exited_at\":\"" +
           p.exited_at + "\",\"oom_killed\":" + (oom ? "true" : "false") + "}\n";
}

void Server::finish(Proc &p) {
    p.finished = true;
    if (&p == &init_) {
        status_ = Status::stopped;
        flush_log();
        write_exit_file();
    }
    close_fd(p.out_fd);
    close_fd(p.err_fd);
    close_fd(p.ctr_stdin);
    p.pty = -1;  // was out_fd
    for (int &fd : p.stdin_sources) close_fd(fd);
    // Readers see EOF once the process is gone.
    for (auto &s : p.sinks) {
        close_fd(s.out);
        close_fd(s.err);
    }
    std::string reply = exit_reply(p);
    for (int &w : p.waiters) {
        write_all(w, reply.data(), reply.size());
        close_fd(w);
    }
    p.waiters.clear();
}

// exec <exec_id> <mask> <terminal> <rows> <cols>, fds as for attach; the
// process is <dir>/exec-<exec_id>.json, written by the plugin.
std::string Server::start_exec(const std::string &exec_id, std::istringstream &in,
                               std::vector<int> &fds) {
    int mask = 0, terminal = 0;
    unsigned rows = 0, cols = 0;
    in >> mask >> terminal >> rows >> cols;
    size_t next = 0;
    auto take = [&](int bit) {
        if (!(mask & bit) || next >= fds.size()) return -1;
        int f = fds[next];
        fds[next++] = -1;
        return f;
    };
    int a_in = take(attach_stdin), a_out = take(attach_stdout), a_err = take(attach_stderr);
    auto drop = [&] {
        for (int f : {a_in, a_out, a_err})
            if (f >= 0) close(f);
    };
    if (exec_id.empty() || exec_id.find('/') != std::string::npos) {
        drop();
        return error_reply("bad exec id");
    }
    if (status_ != Status::running || init_.exited) {
        drop();
        return error_reply("container " + o_.id + " is not running");
    }
    if (execs_.count(exec_id) != 0) {
        drop();
        return error_reply("exec " + exec_id + " already exists");
    }
    Proc &p = execs_[exec_id];
    p.terminal = terminal != 0;
    int child_in = -1, child_out = -1, child_err = -1;
    if (!setup_stdio(p, a_in, a_out, a_err, false, child_in, child_out, child_err)) {
        execs_.erase(exec_id);
        return error_reply(std::string("stdio pipes: ") + std::strerror(errno));
    }
    const std::string base = o_.dir + "/exec-" + exec_id;
    const std::string pid_file = base + ".pid";
    unlink(pid_file.c_str());
    // -d: runc exits once the process runs; the process is reparented to
    // us (a subreaper), so we reap it and keep its stdio, as for init.
    std::vector<std::string> args{"exec", "--process", base + ".json", "--pid-file", pid_file, "-d"};
    std::string err;
    if (p.terminal) {
        err = run_runtime(p, args, o_.id, o_.dir + "/exec-console.sock", rows, cols);
    } else {
        args.push_back(o_.id);
        RuntimeResult r = runtime_.run_with_stdio(args, child_in, child_out, child_err);
        if (!r.ok()) {
            err = runtime_.last_logged_error();
            if (err.empty()) err = r.output.empty() ? "runtime exec failed" : r.output;
        }
    }
    close_fd(child_in);
    close_fd(child_out);
    close_fd(child_err);
    std::ifstream pf(pid_file);
    if (err.empty() && !(pf >> p.pid)) err = "runtime wrote no pid file for exec " + exec_id;
    unlink(pid_file.c_str());
    if (!err.empty()) {
        p.exit_code = 126;
        finish(p);
        execs_.erase(exec_id);
        return error_reply(err);
    }
    auto early = unclaimed_exits_.find(p.pid);
    if (early != unclaimed_exits_.end()) {
        record_exit(p, early->second);
        unclaimed_exits_.erase(early);
    }
    return "{\"ok\":true,\"pid\":" + std::to_string(p.pid) + "}\n";
}

// The requests that apply to init or to one exec process alike.
std::string Server::handle_proc_request(Proc &p, const std::string &what, const std::string &cmd,
                                        std::istringstream &in, int fd, std::vector<int> &fds,
                                        bool &keep_open) {
    if (cmd == "wait") {
        if (p.finished) return exit_reply(p);
        p.waiters.push_back(fd);
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
        if (p.finished) {
            for (int f : {a_in, a_out, a_err})
                if (f >= 0) close(f);
            return error_reply(what + " is not running");
        }
        if (a_in >= 0) p.stdin_sources.push_back(a_in);
        if (a_out >= 0 || a_err >= 0) p.sinks.push_back({a_out, a_err});
        return "{\"ok\":true}\n";
    }
    if (cmd == "resize") {
        unsigned rows = 0, cols = 0;
        in >> rows >> cols;
        if (p.pty < 0) return error_reply(what + " has no terminal");
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(rows);
        ws.ws_col = static_cast<unsigned short>(cols);
        if (ioctl(p.pty, TIOCSWINSZ, &ws) != 0)
            return error_reply(std::string("resize: ") + std::strerror(errno));
        return "{\"ok\":true}\n";
    }
    if (cmd == "close_stdin") {
        close_stdin(p);
        return "{\"ok\":true}\n";
    }
    if (cmd == "state") {
        std::string s = "{\"ok\":true,\"status\":\"";
        s += p.finished ? "stopped" : "running";
        s += "\",\"pid\":" + std::to_string(p.pid);
        if (p.finished) s += ",\"exit_code\":" + std::to_string(p.exit_code);
        return s + "}\n";
    }
    return error_reply("unknown request " + cmd);
}

std::string Server::handle_request(int fd, const std::string &line, std::vector<int> &fds,
                                   bool &keep_open) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    // "@<exec_id> <request>" addresses an exec process.
    if (!cmd.empty() && cmd[0] == '@') {
        std::string exec_id = cmd.substr(1);
        in >> cmd;
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) return error_reply("No such exec instance: " + exec_id);
        Proc &p = it->second;
        if (cmd == "reported") {
            p.reported = true;
            return "{\"ok\":true}\n";
        }
        if (cmd == "kill") {
            int sig = 0;
            if (!(in >> sig) || sig <= 0 || sig >= 65) return error_reply("bad kill request");
            if (p.exited) return error_reply("exec " + exec_id + " is not running");
            // Our child until reaped, so the pid cannot have been reused.
            if (::kill(p.pid, sig) != 0)
                return error_reply(std::string("kill: ") + std::strerror(errno));
            return "{\"ok\":true}\n";
        }
        return handle_proc_request(p, "exec " + exec_id, cmd, in, fd, fds, keep_open);
    }
    if (cmd == "execs") {
        // Exec processes whose exit the plugin has not announced yet: a new
        // plugin instance (berthd restarted) watches these.
        std::string s = "{\"ok\":true,\"execs\":[";
        bool first = true;
        for (auto &[id, p] : execs_) {
            if (p.reported) continue;
            s += (first ? "\"" : ",\"") + json_escape(id) + "\"";
            first = false;
        }
        return s + "]}\n";
    }
    if (cmd == "exec") {
        std::string exec_id;
        in >> exec_id;
        return start_exec(exec_id, in, fds);
    }
    if (cmd == "state") {
        std::string s = "{\"ok\":true,\"status\":\"";
        s += status_name(static_cast<int>(status_));
        s += "\",\"pid\":" + std::to_string(init_.pid);
        if (init_.finished)
            s += ",\"exit_code\":" + std::to_string(init_.exit_code) + ",\"exited_at\":\"" +
                 init_.exited_at + "\"";
        s += std::string(",\"oom_killed\":") + (oom_killed_ ? "true" : "false") +
             ",\"shim_pid\":" + std::to_string(getpid()) + "}\n";
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
        if (init_.exited && !all) return error_reply("container " + o_.id + " is not running");
        std::vector<std::string> args{"kill"};
        if (all) args.push_back("--all");
        args.push_back(o_.id);
        args.push_back(std::to_string(sig));
        RuntimeResult r = runtime_.run_captured(args);
        if (!r.ok()) return error_reply(r.output);
        return "{\"ok\":true}\n";
    }
    if (cmd == "delete") {
        RuntimeResult r = runtime_.run_captured({"delete", "--force", o_.id});
        if (!r.ok()) return error_reply(r.output);
        remove_files();
        quit_ = true;
        return "{\"ok\":true}\n";
    }
    if (cmd == "shutdown") {
        quit_ = true;
        return "{\"ok\":true}\n";
    }
    return handle_proc_request(init_, "container " + o_.id, cmd, in, fd, fds, keep_open);
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

    // What each poll entry after the first two is: a process's stdout (-1),
    // stderr (-2) or its stdin source #n (n >= 0).
    struct Slot {
        Proc *proc;
        int what;
    };
    while (!quit_) {
        std::vector<pollfd> p;
        std::vector<Slot> slots;
        p.push_back({listen_fd_, POLLIN, 0});
        p.push_back({signal_fd_, POLLIN, 0});
        auto add = [&](Proc &pr) {
            if (pr.out_fd >= 0) p.push_back({pr.out_fd, POLLIN, 0}), slots.push_back({&pr, -1});
            if (pr.err_fd >= 0) p.push_back({pr.err_fd, POLLIN, 0}), slots.push_back({&pr, -2});
            for (size_t i = 0; i < pr.stdin_sources.size(); ++i)
                if (pr.stdin_sources[i] >= 0)
                    p.push_back({pr.stdin_sources[i], POLLIN, 0}),
                        slots.push_back({&pr, static_cast<int>(i)});
        };
        add(init_);
        for (auto &[id, pr] : execs_) add(pr);
        int timeout = -1;
        auto consider = [&](Proc &pr) {
            if (!pr.exited || pr.finished) return;
            long long left = pr.exit_deadline_ms - now_ms();
            int t = left > 0 ? static_cast<int>(left) : 0;
            if (timeout < 0 || t < timeout) timeout = t;
        };
        consider(init_);
        for (auto &[id, pr] : execs_) consider(pr);
        int n = poll(p.data(), p.size(), timeout);
        if (n < 0 && errno != EINTR) break;
        if (n > 0) {
            if (p[1].revents) {
                signalfd_siginfo si;
                while (read(signal_fd_, &si, sizeof si) == sizeof si) {
                }
                reap_children();
            }
            for (size_t i = 0; i < slots.size(); ++i) {
                if (!p[2 + i].revents) continue;
                Proc &pr = *slots[i].proc;
                if (slots[i].what == -1) copy_output(pr, pr.out_fd, false);
                else if (slots[i].what == -2) copy_output(pr, pr.err_fd, true);
                else copy_input(pr, static_cast<size_t>(slots[i].what));
            }
            if (p[0].revents) {
                int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0) handle_client(c);
            }
        }
        auto settle = [&](Proc &pr) {
            // Stdin sources that closed are dropped (keep index 0: the creator's).
            for (size_t i = pr.stdin_sources.size(); i-- > 1;)
                if (pr.stdin_sources[i] < 0)
                    pr.stdin_sources.erase(pr.stdin_sources.begin() + static_cast<long>(i));
            if (pr.exited && !pr.finished &&
                ((pr.out_fd < 0 && pr.err_fd < 0) || now_ms() >= pr.exit_deadline_ms))
                finish(pr);
        };
        settle(init_);
        for (auto &[id, pr] : execs_) settle(pr);
    }
    auto shut = [](Proc &pr) {
        for (int &w : pr.waiters) {
            std::string r = error_reply("shim shut down");
            write_all(w, r.data(), r.size());
            close_fd(w);
        }
    };
    shut(init_);
    for (auto &[id, pr] : execs_) shut(pr);
    flush_log();
    log_.stop();
    unlink((o_.dir + "/" + socket_name).c_str());
    return 0;
}

} // namespace berth::shim
