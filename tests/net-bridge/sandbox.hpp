// sandbox.hpp — network namespaces for the kernel tests. The test thread
// moves into a fresh namespace (the "host" the plugin works in) and every
// container is a forked child in a namespace of its own, so bridges, veths,
// nft tables and proxies exist only there and vanish with them.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace berth::test {

// Moves the calling thread into a new network namespace; back on
// destruction, after killing any berth-proxy left running in it.
class HostNetns {
public:
    HostNetns();
    ~HostNetns();
    bool ok() const { return ok_; }
    const std::string &error() const { return error_; }

private:
    int original_ = -1;
    bool ok_ = false;
    std::string error_;
};

// A "container": a child process sleeping in its own network namespace.
class ContainerNetns {
public:
    ContainerNetns();
    ~ContainerNetns();  // SIGKILL + reap
    std::string path() const;  // /proc/<pid>/ns/net
    int pid() const { return pid_; }
    // Run fn on a thread inside the namespace.
    void run(const std::function<void()> &fn) const;
    // Output of a shell command run inside the namespace.
    std::string sh(const std::string &command) const;

private:
    int pid_ = -1;
};

// Output of a shell command in the calling thread's namespace.
std::string sh(const std::string &command);

// A TCP server answering each connection with "<tag>:<what it read>", or
// with "<tag>:<client address>" when report_peer is set.
class EchoServer {
public:
    EchoServer(const ContainerNetns &ns, int port, std::string tag, bool report_peer = false);
    ~EchoServer();

private:
    void serve(int fd);
    int fd_ = -1;
    std::string tag_;
    bool report_peer_ = false;
    std::thread thread_;
};

// Connect to ip:port (in the calling thread's namespace), send msg, return
// the reply, or "" when the connection failed within timeout_ms.
std::string exchange(const std::string &ip, int port, const std::string &msg,
                     int timeout_ms = 1500);
// The same, from inside a container.
std::string exchange_from(const ContainerNetns &ns, const std::string &ip, int port,
                          const std::string &msg, int timeout_ms = 1500);

} // namespace berth::test
