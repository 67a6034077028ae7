// netns_listener.h — the listening sockets of one sandbox, created inside
// its network namespace. Sockets keep the namespace they were created in,
// so berthd serves them from its own threads afterwards.
#pragma once

#include "images/unique_fd.h"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace berth::network::dns {

// Which network namespace a path names (two paths may name the same one).
struct NamespaceIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const NamespaceIdentity &) const = default;
};

// "" means berthd's own namespace. Throws std::runtime_error naming the
// path if it cannot be read.
NamespaceIdentity namespace_identity(const std::string &netns_path);

struct ListenerSockets {
    images::UniqueFd udp; // non-blocking, bound
    images::UniqueFd tcp; // non-blocking, listening
    std::uint16_t udp_port = 0;
    std::uint16_t tcp_port = 0;
};

// Binds address:port (IPv4) on UDP and TCP in the namespace at netns_path
// ("" = the current one, where `lo` is left alone). In another namespace
// the work runs on a short-lived thread that enters it (setns), brings `lo`
// up if it is down, creates the sockets and exits: no berthd thread stays
// in a container's namespace. Throws std::runtime_error naming the step
// that failed.
ListenerSockets open_listener_sockets(const std::string &netns_path, const std::string &address,
                                      std::uint16_t port);

} // namespace berth::network::dns
