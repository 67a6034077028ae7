// Server's control socket: one request line in, one JSON reply out
// (protocol.hpp), for init and for exec processes.
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
        // Started already by `run --detach` (--start): the host's start is a
        // no-op, even when the process has exited by now.
        if (o_.start) return "{\"ok\":true}\n";
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
        // Usually the delete started at the init's exit has done it; run it
        // here when none ran (the container never exited: a forced removal)
        // or it failed, so that the reply carries the runtime's error.
        if (await_early_delete() != 0) {
            RuntimeResult r = runtime_.run_captured({"delete", "--force", o_.id});
            if (!r.ok()) return error_reply(r.output);
        }
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

} // namespace berth::shim
