// relay_udp.cpp — a single poll loop: datagrams from a client go out on that
// client's own upstream socket (so replies can be told apart), replies go
// back from the listening socket to the client.
#include "relay.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace berth::proxy {

namespace {

constexpr time_t idle_timeout_s = 90;
constexpr size_t datagram_max = 65536;

struct Flow {
    sockaddr_storage client{};
    socklen_t client_len = 0;
    int upstream = -1;
    time_t last = 0;
};

time_t now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

} // namespace

void relay_udp(int listener, const Target &target) {
    std::vector<Flow> flows;
    std::vector<char> buf(datagram_max);
    for (;;) {
        std::vector<pollfd> pfd{{listener, POLLIN, 0}};
        for (const auto &f : flows) pfd.push_back({f.upstream, POLLIN, 0});
        int ready = poll(pfd.data(), pfd.size(), 10000);
        if (ready < 0 && errno != EINTR) continue;
        time_t t = now();
        if (ready > 0 && (pfd[0].revents & POLLIN)) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            ssize_t n = recvfrom(listener, buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr *>(&from), &from_len);
            if (n >= 0) {
                Flow *flow = nullptr;
                for (auto &f : flows)
                    if (f.client_len == from_len && std::memcmp(&f.client, &from, from_len) == 0)
                        flow = &f;
                if (flow == nullptr) {
                    int up = socket(target.addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                    if (up >= 0 && connect(up, reinterpret_cast<const sockaddr *>(&target.addr),
                                           target.len) == 0) {
                        flows.push_back({from, from_len, up, t});
                        flow = &flows.back();
                    } else if (up >= 0) {
                        close(up);
                    }
                }
                if (flow != nullptr) {
                    flow->last = t;
                    (void)!send(flow->upstream, buf.data(), static_cast<size_t>(n), 0);
                }
            }
        }
        // Replies (indexes in pfd match flows as they were before any push).
        for (size_t i = 1; i < pfd.size() && ready > 0; ++i) {
            if (!(pfd[i].revents & POLLIN)) continue;
            Flow &f = flows[i - 1];
            ssize_t n = recv(f.upstream, buf.data(), buf.size(), 0);
            if (n < 0) continue;
            f.last = t;
            sendto(listener, buf.data(), static_cast<size_t>(n), 0,
                   reinterpret_cast<const sockaddr *>(&f.client), f.client_len);
        }
        for (size_t i = flows.size(); i-- > 0;)
            if (t - flows[i].last > idle_timeout_s) {
                close(flows[i].upstream);
                flows.erase(flows.begin() + static_cast<std::ptrdiff_t>(i));
            }
    }
}

} // namespace berth::proxy
