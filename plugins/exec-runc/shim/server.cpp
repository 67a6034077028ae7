#include "server.hpp"

#include "oom_counter.hpp"
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
#include <thread>

namespace berth::shim {

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

    // The log driver loads (dlopen, init, start) on a thread of its own
    // while the runtime creates the container: the two are independent and
    // the runtime is the slow part. Output the container writes meanwhile
    // waits in its pipes, which nobody reads before the loop in run(). The
    // thread is joined before the ready line, so the plugin's log info file
    // is read before the plugin removes it; a library that does not load
    // still fails create (the container the runtime made is then deleted).
    std::string log_err;
    std::jthread log_loader([this, &log_err] { log_err = open_log(); });
    const auto log_failed = [&] {
        log_loader.join();
        if (log_err.empty()) return false;
        runtime_.run_captured({"delete", "--force", o_.id});
        report_ready("error " + log_err + "\n");
        return true;
    };

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
    std::vector<std::string> args{o_.start ? "run" : "create", "--bundle", o_.bundle, "--pid-file", pid_file};
    if (o_.start) args.push_back("--detach");

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
    if (log_failed()) return false;
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
    if (o_.start) status_ = Status::running;
    report_ready("ok " + std::to_string(init_.pid) + "\n");
    return true;
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
            start_early_delete();
            continue;
        }
        if (pid == early_delete_pid_) {
            early_delete_status_ = exit_code_of(st);
            early_delete_pid_ = -1;
            continue;
        }
        bool known = false;
        for (auto &[id, p] : execs_)
            if (p.pid == pid) record_exit(p, st), known = true;
        // An exec process may exit before its pid file is read.
        if (!known) unclaimed_exits_[pid] = st;
    }
}

void Server::start_early_delete() {
    if (early_delete_pid_ > 0 || early_delete_status_ >= 0) return;
    early_delete_pid_ = runtime_.spawn({"delete", "--force", o_.id});
}

int Server::await_early_delete() {
    if (early_delete_pid_ > 0) {
        early_delete_status_ = wait_exit_code(early_delete_pid_);
        early_delete_pid_ = -1;
    }
    return early_delete_status_;
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
    // No fsync: the record outlives the shim and berthd (a rename is atomic
    // against a kill -9), which is all it is for; a host crash ends the
    // container anyway, and the exec root is a tmpfs. Waiters are answered
    // only after this, so an fsync would sit on every exit's path.
    bool ok = write_all(fd, body.data(), body.size());
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
