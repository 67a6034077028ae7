#include "sandbox.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <future>
#include <stdexcept>

namespace berth::test {

namespace {

ino_t netns_inode(const std::string &path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// Kill every berth-proxy whose network namespace is `ns` (by pid).
void kill_proxies_in(ino_t ns) {
    DIR *proc = opendir("/proc");
    if (proc == nullptr) return;
    while (dirent *d = readdir(proc)) {
        int pid = std::atoi(d->d_name);
        if (pid <= 0) continue;
        std::string base = "/proc/" + std::to_string(pid);
        std::ifstream cmd(base + "/cmdline");
        std::string argv0;
        std::getline(cmd, argv0, '\0');
        if (argv0.size() < 11 || argv0.compare(argv0.size() - 11, 11, "berth-proxy") != 0) continue;
        if (netns_inode(base + "/ns/net") == ns) kill(pid, SIGKILL);
    }
    closedir(proc);
}

} // namespace

HostNetns::HostNetns() {
    original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original_ < 0) {
        error_ = std::string("cannot open own netns: ") + std::strerror(errno);
        return;
    }
    if (unshare(CLONE_NEWNET) != 0) {
        error_ = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
        return;
    }
    ok_ = true;
    sh("ip link set lo up");
}

HostNetns::~HostNetns() {
    if (ok_) kill_proxies_in(netns_inode("/proc/thread-self/ns/net"));
    if (original_ >= 0) {
        if (ok_ && setns(original_, CLONE_NEWNET) != 0) std::perror("setns back");
        close(original_);
    }
}

ContainerNetns::ContainerNetns() {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
        char ok = unshare(CLONE_NEWNET) == 0 ? '1' : '0';
        (void)!write(ready[1], &ok, 1);
        // Hold nothing of the parent's (a plugin's state lock, sockets).
        syscall(SYS_close_range, 0U, ~0U, 0U);
        for (;;) pause();
    }
    close(ready[1]);
    char ok = '0';
    (void)!read(ready[0], &ok, 1);
    close(ready[0]);
    if (ok != '1') throw std::runtime_error("container: unshare(CLONE_NEWNET) failed");
}

ContainerNetns::~ContainerNetns() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

std::string ContainerNetns::path() const { return "/proc/" + std::to_string(pid_) + "/ns/net"; }

void ContainerNetns::run(const std::function<void()> &fn) const {
    int fd = open(path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + path());
    std::exception_ptr failure;
    std::thread t([&] {
        try {
            if (setns(fd, CLONE_NEWNET) != 0) throw std::runtime_error("setns " + path());
            fn();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    t.join();
    close(fd);
    if (failure) std::rethrow_exception(failure);
}

std::string ContainerNetns::sh(const std::string &command) const {
    std::string out;
    run([&] { out = berth::test::sh(command); });
    return out;
}

std::string sh(const std::string &command) {
    std::string out;
    FILE *p = popen((command + " 2>&1").c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

EchoServer::EchoServer(const ContainerNetns &ns, int port, std::string tag, bool report_peer)
    : tag_(std::move(tag)), report_peer_(report_peer) {
    std::promise<int> bound;
    auto result = bound.get_future();
    int ns_fd = open(ns.path().c_str(), O_RDONLY | O_CLOEXEC);
    thread_ = std::thread([this, port, ns_fd, &bound] {
        if (setns(ns_fd, CLONE_NEWNET) != 0) {
            bound.set_value(-1);
            return;
        }
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 16) != 0) {
            close(fd);
            bound.set_value(-1);
            return;
        }
        bound.set_value(fd);
        serve(fd);
    });
    fd_ = result.get();
    close(ns_fd);
    if (fd_ < 0) {
        thread_.join();
        throw std::runtime_error("echo server: cannot listen on port " + std::to_string(port));
    }
}

void EchoServer::serve(int fd) {
    for (;;) {
        sockaddr_in peer{};
        socklen_t peer_len = sizeof peer;
        int c = accept4(fd, reinterpret_cast<sockaddr *>(&peer), &peer_len, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) continue;
            return;  // shutdown() by the destructor
        }
        char buf[512];
        ssize_t n = read(c, buf, sizeof buf);
        std::string reply = tag_ + ":" + std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
        if (report_peer_) {
            char ip[INET_ADDRSTRLEN] = {};
            inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
            reply = tag_ + ":" + ip;
        }
        (void)!write(c, reply.data(), reply.size());
        close(c);
    }
}

EchoServer::~EchoServer() {
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
}

std::string exchange(const std::string &ip, int port, const std::string &msg, int timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    std::string reply;
    int rc = connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    pollfd pfd{fd, POLLOUT, 0};
    if ((rc == 0 || errno == EINPROGRESS) && poll(&pfd, 1, timeout_ms) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0 && write(fd, msg.data(), msg.size()) == static_cast<ssize_t>(msg.size())) {
            for (;;) {
                pfd = {fd, POLLIN, 0};
                if (poll(&pfd, 1, timeout_ms) != 1) break;
                char buf[512];
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0) break;
                reply.append(buf, static_cast<size_t>(n));
            }
        }
    }
    close(fd);
    return reply;
}

std::string exchange_from(const ContainerNetns &ns, const std::string &ip, int port,
                          const std::string &msg, int timeout_ms) {
    std::string reply;
    ns.run([&] { reply = exchange(ip, port, msg, timeout_ms); });
    return reply;
}

} // namespace berth::test
