// dns_test_client.h — what the embedded DNS tests use to talk to it: query
// building and reply reading with ldns, UDP/TCP exchanges over loopback.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::network::dns::testing {

using Bytes = std::vector<std::uint8_t>;

Bytes make_query(const std::string &name, std::uint16_t type, std::uint16_t id, std::uint16_t edns_size = 0);

struct Record {
    std::string name; // as in the reply, with the trailing dot
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::string data; // presentation form ("10.1.2.3")
};

struct Reply {
    std::uint16_t id = 0;
    std::uint8_t rcode = 0;
    bool authoritative = false;
    bool truncated = false;
    std::string question;
    std::vector<Record> answers;
};

// nullopt if the bytes are not a DNS message.
std::optional<Reply> read_reply(const Bytes &wire);

constexpr auto kWait = std::chrono::milliseconds(3000);

// Sends to host:port over UDP and waits for one datagram (nullopt on
// timeout or a refused port).
std::optional<Bytes> udp_exchange(const std::string &host, std::uint16_t port, const Bytes &query,
                                  std::chrono::milliseconds timeout = kWait);
// One length-framed query over a fresh TCP connection.
std::optional<Bytes> tcp_exchange(const std::string &host, std::uint16_t port, const Bytes &query,
                                  std::chrono::milliseconds timeout = kWait);

// True when nothing listens there any more: UDP gets ICMP port unreachable
// and TCP connect is refused.
bool udp_port_refused(const std::string &host, std::uint16_t port);
bool tcp_port_refused(const std::string &host, std::uint16_t port);

} // namespace berth::network::dns::testing
