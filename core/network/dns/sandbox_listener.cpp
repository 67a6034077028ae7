// sandbox_listener.cpp — the receive and accept loops of one sandbox.
#include "network/dns/sandbox_listener.h"

#include "network/dns/tcp_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace berth::network::dns {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// More simultaneous TCP clients than this from one container are refused
// (closed at once) rather than letting one sandbox exhaust berthd's fds.
constexpr std::size_t kMaxTcpSessions = 64;

} // namespace

SandboxListener::SandboxListener(asio::io_context &io, std::string sandbox_id, ListenerSockets sockets,
                                 QueryService &service)
    : sandbox_id_(std::move(sandbox_id)), service_(service), udp_(io), tcp_(io), accept_backoff_(io) {
    // assign() takes ownership only on success; release afterwards.
    udp_.assign(asio::ip::udp::v4(), sockets.udp.get());
    sockets.udp.release();
    tcp_.assign(asio::ip::tcp::v4(), sockets.tcp.get());
    sockets.tcp.release();
}

void SandboxListener::start() {
    receive_udp();
    accept_tcp();
}

void SandboxListener::stop() {
    stopped_ = true;
    error_code ignored;
    udp_.close(ignored);
    tcp_.close(ignored);
    accept_backoff_.cancel();
    for (const auto &weak : sessions_)
        if (auto session = weak.lock()) session->close();
    sessions_.clear();
}

void SandboxListener::receive_udp() {
    udp_.async_receive_from(asio::buffer(datagram_), client_, [self = shared_from_this()](const error_code &error,
                                                                                         std::size_t size) {
        if (self->stopped_ || error == asio::error::operation_aborted) return;
        if (!error) {
            const asio::ip::udp::endpoint client = self->client_;
            self->service_.handle(self->sandbox_id_, std::span(self->datagram_.data(), size), Transport::Udp,
                                  [self, client](WireMessage reply) { self->send_udp(client, std::move(reply)); });
        }
        self->receive_udp();
    });
}

void SandboxListener::send_udp(const asio::ip::udp::endpoint &client, WireMessage reply) {
    if (stopped_ || reply.empty()) return;
    auto message = std::make_shared<WireMessage>(std::move(reply));
    udp_.async_send_to(asio::buffer(*message), client, [message](const error_code &, std::size_t) {});
}

void SandboxListener::accept_tcp() {
    tcp_.async_accept([self = shared_from_this()](const error_code &error, asio::ip::tcp::socket socket) {
        if (self->stopped_ || error == asio::error::operation_aborted) return;
        if (error) {
            // Out of fds and the like: pause instead of spinning on the error.
            spdlog::warn("embedded DNS: accepting a TCP client of {}: {}", self->sandbox_id_, error.message());
            self->accept_backoff_.expires_after(std::chrono::milliseconds(100));
            self->accept_backoff_.async_wait([self](const error_code &wait_error) {
                if (!wait_error && !self->stopped_) self->accept_tcp();
            });
            return;
        }
        std::erase_if(self->sessions_, [](const std::weak_ptr<TcpSession> &weak) { return weak.expired(); });
        if (self->sessions_.size() < kMaxTcpSessions) {
            auto session = std::make_shared<TcpSession>(std::move(socket), self->sandbox_id_, self->service_);
            self->sessions_.push_back(session);
            session->start();
        } else {
            spdlog::warn("embedded DNS: {} has {} open TCP connections; refusing another", self->sandbox_id_,
                         self->sessions_.size());
        }
        self->accept_tcp();
    });
}

} // namespace berth::network::dns
