// tcp_session.h — one client TCP connection to the embedded DNS: 2-byte
// length-framed queries answered in order, closed when idle.
#pragma once

#include "network/dns/query_service.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>

namespace berth::network::dns {

class TcpSession : public std::enable_shared_from_this<TcpSession> {
public:
    // How long a connection may sit without sending a query.
    static constexpr std::chrono::seconds kIdleTimeout{10};

    TcpSession(boost::asio::ip::tcp::socket socket, std::string sandbox_id, QueryService &service);

    void start();
    void close();

private:
    void read_length();
    void read_message(std::size_t size);
    void write_reply(WireMessage reply);

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer idle_timer_;
    std::string sandbox_id_;
    QueryService &service_;
    std::array<std::uint8_t, 2> length_{};
    WireMessage message_;
    WireMessage framed_reply_;
};

} // namespace berth::network::dns
