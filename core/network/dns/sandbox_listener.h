// sandbox_listener.h — serves one sandbox's UDP socket and TCP listener on
// the event thread. Internal to the embedded DNS (includes Boost.Asio).
#pragma once

#include "network/dns/netns_listener.h"
#include "network/dns/query_service.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace berth::network::dns {

class TcpSession;

class SandboxListener : public std::enable_shared_from_this<SandboxListener> {
public:
    // Takes over the sockets; nothing is served before start().
    SandboxListener(boost::asio::io_context &io, std::string sandbox_id, ListenerSockets sockets,
                    QueryService &service);

    // Both only on the event thread.
    void start();
    // Closes the sockets and every open TCP connection; pending work ends
    // with operation_aborted and replies still on their way are dropped.
    void stop();

private:
    void receive_udp();
    void send_udp(const boost::asio::ip::udp::endpoint &client, WireMessage reply);
    void accept_tcp();

    std::string sandbox_id_;
    QueryService &service_;
    boost::asio::ip::udp::socket udp_;
    boost::asio::ip::tcp::acceptor tcp_;
    boost::asio::steady_timer accept_backoff_;
    std::array<std::uint8_t, 65535> datagram_{};
    boost::asio::ip::udp::endpoint client_;
    std::vector<std::weak_ptr<TcpSession>> sessions_;
    bool stopped_ = false;
};

} // namespace berth::network::dns
