// fake_upstream.h — a nameserver on 127.0.0.1 (UDP and TCP, ephemeral
// ports) that records what the embedded DNS forwards to it and answers
// every A question with 192.0.2.53, or stays silent, or says SERVFAIL.
#pragma once

#include "dns_test_client.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace berth::network::dns::testing {

class FakeUpstream {
public:
    enum class Behaviour { Answer, Silent, ServerFailure, Oversized };
    static constexpr const char *kAnswer = "192.0.2.53";

    struct Received {
        std::string name; // as asked, with the trailing dot
        std::uint16_t type = 0;
        std::uint16_t id = 0;
        bool over_tcp = false;
    };

    explicit FakeUpstream(Behaviour behaviour = Behaviour::Answer);
    ~FakeUpstream();

    std::uint16_t udp_port() const { return udp_port_; }
    std::uint16_t tcp_port() const { return tcp_port_; }
    // "127.0.0.1:<port>" when UDP and TCP share the port, which the
    // constructor arranges.
    std::string address() const;
    std::vector<Received> received() const;

private:
    void serve();
    Bytes respond(const Bytes &query, bool over_tcp);
    void serve_tcp_client(int client);

    Behaviour behaviour_;
    int udp_ = -1;
    int tcp_ = -1;
    int stop_pipe_[2] = {-1, -1};
    std::uint16_t udp_port_ = 0;
    std::uint16_t tcp_port_ = 0;
    mutable std::mutex mutex_;
    std::vector<Received> received_;
    std::thread thread_;
};

} // namespace berth::network::dns::testing
