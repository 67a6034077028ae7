// protocol.hpp — the wire between the exec-runc plugin and berth-shim.
//
// One unix stream socket per container (<container_dir>/shim.sock). A client
// connects, writes ONE request line, and reads ONE reply line; the shim then
// closes the connection (wait keeps it open until the container exits).
// Requests are words separated by single spaces:
//   state | start | kill <signal> <all 0|1> | wait | attach <mask>
//   resize <rows> <cols> | close_stdin | delete | shutdown
//   execs   -> {"ok":true,"execs":[ids whose exit is not reported yet]}
//   exec <exec_id> <mask> <terminal 0|1> <rows> <cols>   (fds as for attach;
//     the OCI process is <dir>/exec-<exec_id>.json, written by the plugin)
// "@<exec_id> " before kill <signal> | wait | attach | resize | close_stdin |
// state | reported addresses that exec process instead of init; "reported"
// tells the shim the plugin has announced the exec's exit event.
// When init exits the shim deletes the runtime's state of the container by
// itself (the runtime's delete, started at once); a later delete waits for
// that and ends the shim.
// wait and state of init answer "oom_killed" too; the exit file holds
// {"exit_code":N,"exited_at":"...","oom_killed":bool}.
// attach carries its fds as SCM_RIGHTS on the request line, in the order
// stdin, stdout, stderr, only those whose bit is set in <mask> (1, 2, 4).
// Replies are one JSON object: {"ok":true,...} or {"ok":false,"error":"..."}.
// Plain text in, JSON out: the shim needs no JSON parser (it stays small)
// and the plugin, which has nlohmann, reads structured answers.
//
// Header-only, standard library + POSIX only: the shim links nothing else.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace berth::shim {

inline constexpr char socket_name[] = "shim.sock";
inline constexpr char exit_file_name[] = "exit";
inline constexpr char pid_file_name[] = "init.pid";
// Everything the shim leaves in the container directory; delete removes
// them (the shim itself, or the plugin when the shim is gone).
inline constexpr const char *shim_files[] = {"exit", "exit.tmp", "init.pid", "runtime.log",
                                             "shim.log", "console.sock", "exec-console.sock",
                                             "shim.sock"};
inline constexpr int attach_stdin = 1, attach_stdout = 2, attach_stderr = 4;
inline constexpr int max_passed_fds = 3;

// Fill a sockaddr_un; false when the path does not fit sun_path.
inline bool make_unix_addr(const std::string &path, sockaddr_un &addr) {
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return false;
    std::memcpy(addr.sun_path, path.data(), path.size());
    return true;
}

// Send line (with its '\n') and fds in one sendmsg. Returns false on error.
inline bool send_line_with_fds(int sock, const std::string &line, const std::vector<int> &fds) {
    msghdr msg{};
    iovec iov{const_cast<char *>(line.data()), line.size()};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_passed_fds)]{};
    if (!fds.empty()) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    size_t sent = 0;
    while (sent < line.size()) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        sent += static_cast<size_t>(n);
        // Only the first chunk carries the fds.
        msg.msg_control = nullptr;
        msg.msg_controllen = 0;
        iov.iov_base = const_cast<char *>(line.data()) + sent;
        iov.iov_len = line.size() - sent;
    }
    return true;
}

// recvmsg into buf; appends any passed fds (made close-on-exec) to fds.
// Returns bytes read, 0 at EOF, -1 on error.
inline ssize_t recv_with_fds(int sock, char *buf, size_t len, std::vector<int> &fds) {
    msghdr msg{};
    iovec iov{buf, len};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_passed_fds)]{};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            fds.push_back(fd);
        }
    }
    return n;
}

// Write all of data; false on error (EPIPE included).
inline bool write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace berth::shim
