// berth-proxy — the userland side of a published port, like docker-proxy:
//   berth-proxy -proto tcp|udp -host-ip IP -host-port P
//               -container-ip IP -container-port P [-ready-fd N]
// It binds host-ip:host-port, reports "ok <pid>\n" or "error <reason>\n" on
// the ready fd (then closes it), and relays to the container until killed.
// Traffic from outside never reaches it (nftables DNATs that first); it
// serves what DNAT cannot, such as 127.0.0.1. Standard library and libc only:
// one of these runs per published port, so it must stay small.
#include "relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Options {
    std::string proto, host_ip, container_ip;
    int host_port = 0, container_port = 0, ready_fd = -1;
};

int ready_fd = -1;

void report(const std::string &line) {
    if (ready_fd < 0) return;
    std::string text = line + "\n";
    (void)!write(ready_fd, text.data(), text.size());
    close(ready_fd);
    ready_fd = -1;
}

[[noreturn]] void die(const std::string &why) {
    report("error " + why);
    std::fprintf(stderr, "berth-proxy: %s\n", why.c_str());
    std::exit(1);
}

int port_of(const char *s, const char *flag) {
    char *end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
        die(std::string(flag) + ": \"" + s + "\" is not a port (1-65535)");
    return static_cast<int>(v);
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        if (flag.rfind("--", 0) == 0) flag.erase(0, 1);
        if (i + 1 >= argc) die(flag + " needs a value");
        const char *v = argv[++i];
        if (flag == "-proto") o.proto = v;
        else if (flag == "-host-ip") o.host_ip = v;
        else if (flag == "-host-port") o.host_port = port_of(v, "-host-port");
        else if (flag == "-container-ip") o.container_ip = v;
        else if (flag == "-container-port") o.container_port = port_of(v, "-container-port");
        else if (flag == "-ready-fd") ready_fd = o.ready_fd = std::atoi(v);
        else die("unknown flag " + flag);
    }
    if (o.proto != "tcp" && o.proto != "udp") die("-proto must be tcp or udp");
    if (o.host_ip.empty() || o.container_ip.empty() || o.host_port == 0 || o.container_port == 0)
        die("-host-ip, -host-port, -container-ip and -container-port are required");
    return o;
}

berth::proxy::Target address_of(const std::string &ip, int port, const char *flag) {
    berth::proxy::Target t;
    auto *v4 = reinterpret_cast<sockaddr_in *>(&t.addr);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&t.addr);
    if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        t.len = sizeof *v4;
    } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        t.len = sizeof *v6;
    } else {
        die(std::string(flag) + ": \"" + ip + "\" is not an IP address");
    }
    return t;
}

int listen_on(const Options &o) {
    berth::proxy::Target local = address_of(o.host_ip, o.host_port, "-host-ip");
    bool tcp = o.proto == "tcp";
    int fd = socket(local.addr.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    if (tcp) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (local.addr.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    std::string where = o.proto + " " +
                        (local.addr.ss_family == AF_INET6 ? "[" + o.host_ip + "]" : o.host_ip) +
                        ":" + std::to_string(o.host_port);
    if (bind(fd, reinterpret_cast<sockaddr *>(&local.addr), local.len) != 0)
        die("listen " + where + ": bind: " +
            (errno == EADDRINUSE ? std::string("address already in use") : std::strerror(errno)));
    if (tcp && listen(fd, 128) != 0) die("listen " + where + ": " + std::strerror(errno));
    return fd;
}

} // namespace

int main(int argc, char **argv) {
    // Dispositions survive exec: whatever berthd ignored, the proxy must
    // still stop on SIGTERM/SIGINT.
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    Options o = parse(argc, argv);
    berth::proxy::Target target = address_of(o.container_ip, o.container_port, "-container-ip");
    int listener = listen_on(o);
    report("ok " + std::to_string(getpid()));
    if (o.proto == "tcp") berth::proxy::relay_tcp(listener, target);
    berth::proxy::relay_udp(listener, target);
}
