// relay.hpp — berth-proxy's two relays. Both take a bound listening socket
// and never return.
#pragma once

#include <sys/socket.h>

namespace berth::proxy {

struct Target {
    sockaddr_storage addr{};
    socklen_t len = 0;
};

// Accept connections and splice each to a new connection to target.
[[noreturn]] void relay_tcp(int listener, const Target &target);
// Relay datagrams: one upstream socket per client address, dropped after
// 90 s of silence (docker-proxy's UDP timeout).
[[noreturn]] void relay_udp(int listener, const Target &target);

} // namespace berth::proxy
