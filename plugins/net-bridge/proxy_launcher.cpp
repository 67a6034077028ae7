#include "proxy_launcher.hpp"

#include <berth/sdk.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace berth::netbridge {

namespace {

constexpr int ready_timeout_ms = 10000;

std::vector<std::string> proxy_args(const std::string &path, const PortMapping &p,
                                    const std::string &container_ip) {
    std::string host_ip = p.host_ip.empty() ? "0.0.0.0" : p.host_ip;
    return {path,          "-proto",         p.proto,
            "-host-ip",    host_ip,          "-host-port",
            std::to_string(p.host_port),     "-container-ip",
            container_ip,  "-container-port", std::to_string(p.container_port)};
}

std::string endpoint_text(const PortMapping &p) {
    std::string ip = p.host_ip.empty() ? "0.0.0.0" : p.host_ip;
    if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
    return ip + ":" + std::to_string(p.host_port) + "/" + p.proto;
}

// The argv of pid, NUL-separated as /proc prints it.
std::string cmdline_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

std::string default_proxy_path() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void *>(&default_proxy_path), &info) == 0 ||
        info.dli_fname == nullptr)
        return "berth-proxy";
    std::string so = info.dli_fname;
    auto slash = so.rfind('/');
    std::string dir = slash == std::string::npos ? "." : so.substr(0, slash);
    return dir + "/../berth-proxy";
}

int start_proxy(const std::string &proxy_path, const PortMapping &p,
                const std::string &container_ip) {
    if (access(proxy_path.c_str(), X_OK) != 0)
        throw sdk::error(BERTH_E_PREREQ, "berth-proxy not found at " + proxy_path);
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        throw sdk::error(BERTH_E_IO, std::string("pipe: ") + std::strerror(errno));
    // Prepared before fork: the host is multi-threaded, so the children may
    // only call async-signal-safe functions.
    auto args = proxy_args(proxy_path, p, container_ip);
    args.insert(args.end(), {"-ready-fd", "3"});
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int write_end = fcntl(ready[1], F_DUPFD_CLOEXEC, 10);

    pid_t child = fork();
    if (child < 0) {
        int saved = errno;
        close(ready[0]);
        close(ready[1]);
        close(write_end);
        throw sdk::error(BERTH_E_IO, std::string("fork: ") + std::strerror(saved));
    }
    if (child == 0) {
        // Middle child: new session, fork the proxy, exit at once so the
        // proxy is re-parented away from berthd.
        setsid();
        if (fork() != 0) _exit(0);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        dup2(write_end, 3);  // dup2 clears close-on-exec
        syscall(SYS_close_range, 4U, ~0U, 0U);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(argv[0], argv.data());
        const char msg[] = "error cannot execute berth-proxy\n";
        (void)!write(3, msg, sizeof msg - 1);
        _exit(127);
    }
    close(ready[1]);
    close(write_end);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }

    // The proxy writes "ok <pid>\n" or "error <text>\n", then closes.
    std::string reply;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
    char buf[512];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) break;
        pollfd pfd{ready[0], POLLIN, 0};
        if (poll(&pfd, 1, static_cast<int>(left)) <= 0) break;
        ssize_t n = read(ready[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
        if (reply.find('\n') != std::string::npos) break;
    }
    close(ready[0]);
    if (!reply.empty() && reply.back() == '\n') reply.pop_back();
    if (reply.rfind("ok ", 0) == 0) return std::stoi(reply.substr(3));
    std::string why = reply.rfind("error ", 0) == 0 ? reply.substr(6) : "no answer from berth-proxy";
    int32_t code = why.find("in use") != std::string::npos ? BERTH_E_BUSY : BERTH_E_IO;
    throw sdk::error(code, "cannot publish " + endpoint_text(p) + ": " + why);
}

bool proxy_alive(int pid, const PortMapping &p, const std::string &container_ip) {
    if (pid <= 0) return false;
    // The program path may differ between builds of the plugin; its name and
    // every argument after it must match.
    std::string actual = cmdline_of(pid);
    auto first = actual.find('\0');
    if (first == std::string::npos) return false;
    std::string prog = actual.substr(0, first);
    const std::string name = "berth-proxy";
    if (prog.size() < name.size() || prog.compare(prog.size() - name.size(), name.size(), name) != 0)
        return false;
    std::string tail;
    auto args = proxy_args("", p, container_ip);
    for (size_t i = 1; i < args.size(); ++i) tail += '\0' + args[i];
    tail += '\0';
    return actual.compare(first, tail.size(), tail) == 0;
}

void stop_proxy(int pid, const PortMapping &p, const std::string &container_ip) {
    if (!proxy_alive(pid, p, container_ip)) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (kill(pid, 0) != 0) return;
        // A zombie (only when we are its parent, e.g. in tests) counts as gone.
        if (!proxy_alive(pid, p, container_ip)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
}

} // namespace berth::netbridge
