// query_forwarder.h — forwards the queries the embedded DNS does not answer
// to the host's nameservers, asynchronously on the server's event thread.
#pragma once

#include "network/dns/dns_message.h"
#include "network/dns/upstream_server.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace berth::network::dns {

enum class Transport { Udp, Tcp };

// Receives the reply for the client, exactly once.
using ReplyHandler = std::function<void(WireMessage reply)>;

class QueryForwarder {
public:
    // Docker bounds its outstanding external queries the same way.
    static constexpr std::size_t kMaxInFlight = 1024;

    QueryForwarder(boost::asio::io_context &io, std::vector<UpstreamServer> upstreams,
                   std::chrono::milliseconds timeout_per_upstream);
    ~QueryForwarder();

    bool has_upstreams() const { return !upstreams_->empty(); }

    // Sends `wire` (the client's query, as received) to each upstream in
    // turn over the client's transport, from berthd's own namespace, under a
    // fresh random ID; an upstream that times out, fails, or answers
    // SERVFAIL/REFUSED makes way for the next. `done` gets the first good
    // reply with the client's ID put back, or SERVFAIL when none answered.
    // Must be called on the event thread.
    void forward(const DnsQuery &query, const WireMessage &wire, Transport transport, ReplyHandler done);

private:
    boost::asio::io_context &io_;
    std::shared_ptr<const std::vector<UpstreamServer>> upstreams_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<std::size_t> in_flight_;
    std::mt19937 random_ids_;
};

} // namespace berth::network::dns
