// netns_listener.cpp — setns on a throwaway thread, then plain sockets.
#include "network/dns/netns_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace berth::network::dns {

namespace {

using images::UniqueFd;

[[noreturn]] void fail(const std::string &what, int error) {
    throw std::runtime_error("embedded DNS: " + what + ": " + std::strerror(error));
}

// A socket of this server that was just closed (remove_sandbox followed by
// add_sandbox for the same namespace) is closed by the event thread moments
// later; the bind waits for that instead of failing.
constexpr int kBindAttempts = 50;
constexpr auto kBindRetryDelay = std::chrono::milliseconds(20);

void bind_with_retry(int fd, const sockaddr_in &address, const std::string &what) {
    for (int attempt = 1;; ++attempt) {
        if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) return;
        if (errno != EADDRINUSE || attempt == kBindAttempts) fail("cannot bind " + what, errno);
        std::this_thread::sleep_for(kBindRetryDelay);
    }
}

std::uint16_t bound_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) fail("getsockname", errno);
    return ntohs(address.sin_port);
}

UniqueFd open_socket(int type, const sockaddr_in &address, const std::string &what) {
    UniqueFd fd(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) fail("cannot create the " + what + " socket", errno);
    if (type == SOCK_STREAM) {
        // A previous listener's connections in TIME_WAIT must not block the bind.
        int on = 1;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) fail("SO_REUSEADDR", errno);
    }
    bind_with_retry(fd.get(), address, what);
    if (type == SOCK_STREAM && ::listen(fd.get(), SOMAXCONN) != 0) fail("cannot listen on " + what, errno);
    return fd;
}

// A fresh namespace has `lo` down, and 127.0.0.11 is only local once it is up
// (the kernel then gives it 127.0.0.1/8).
void bring_loopback_up() {
    UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) fail("cannot create a socket to configure lo", errno);
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(fd.get(), SIOCGIFFLAGS, &request) != 0) fail("cannot read the flags of lo", errno);
    if (request.ifr_flags & IFF_UP) return;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    if (::ioctl(fd.get(), SIOCSIFFLAGS, &request) != 0) fail("cannot bring lo up", errno);
}

ListenerSockets open_here(const std::string &address_text, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, address_text.c_str(), &address.sin_addr) != 1)
        throw std::runtime_error("embedded DNS: listen address \"" + address_text + "\" is not an IPv4 address");
    const std::string where = address_text + ":" + std::to_string(port);
    ListenerSockets sockets;
    sockets.udp = open_socket(SOCK_DGRAM, address, "UDP " + where);
    sockets.tcp = open_socket(SOCK_STREAM, address, "TCP " + where);
    sockets.udp_port = bound_port(sockets.udp.get());
    sockets.tcp_port = bound_port(sockets.tcp.get());
    return sockets;
}

} // namespace

NamespaceIdentity namespace_identity(const std::string &netns_path) {
    const std::string path = netns_path.empty() ? "/proc/self/ns/net" : netns_path;
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) fail("cannot stat network namespace " + path, errno);
    return {status.st_dev, status.st_ino};
}

ListenerSockets open_listener_sockets(const std::string &netns_path, const std::string &address,
                                      std::uint16_t port) {
    if (netns_path.empty()) return open_here(address, port);

    UniqueFd netns(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) fail("cannot open network namespace " + netns_path, errno);

    ListenerSockets sockets;
    std::exception_ptr failure;
    // This thread ends inside the sandbox's namespace; it never runs
    // anything else, so no berthd work happens there by accident.
    std::thread visitor([&] {
        try {
            if (::setns(netns.get(), CLONE_NEWNET) != 0) fail("cannot enter network namespace " + netns_path, errno);
            bring_loopback_up();
            sockets = open_here(address, port);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    visitor.join();
    if (failure) std::rethrow_exception(failure);
    return sockets;
}

} // namespace berth::network::dns
