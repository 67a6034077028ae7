// tcp_session.cpp — one query at a time per connection; a message that is
// not a query ends the connection (there is no way to resynchronise).
#include "network/dns/tcp_session.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace berth::network::dns {

namespace asio = boost::asio;
using boost::system::error_code;

TcpSession::TcpSession(asio::ip::tcp::socket socket, std::string sandbox_id, QueryService &service)
    : socket_(std::move(socket)), idle_timer_(socket_.get_executor()), sandbox_id_(std::move(sandbox_id)),
      service_(service) {}

void TcpSession::start() { read_length(); }

void TcpSession::close() {
    error_code ignored;
    idle_timer_.cancel();
    socket_.close(ignored);
}

void TcpSession::read_length() {
    idle_timer_.expires_after(kIdleTimeout);
    idle_timer_.async_wait([self = shared_from_this()](const error_code &error) {
        if (!error) self->close();
    });
    asio::async_read(socket_, asio::buffer(length_), [self = shared_from_this()](const error_code &error, std::size_t) {
        const std::size_t size = (std::size_t{self->length_[0]} << 8) | self->length_[1];
        if (error || size == 0) return self->close();
        self->read_message(size);
    });
}

void TcpSession::read_message(std::size_t size) {
    message_.resize(size);
    asio::async_read(socket_, asio::buffer(message_), [self = shared_from_this()](const error_code &error, std::size_t) {
        if (error) return self->close();
        // Forwarding has its own timeout; the idle clock restarts after the reply.
        self->idle_timer_.cancel();
        const bool answered = self->service_.handle(self->sandbox_id_, self->message_, Transport::Tcp,
                                                    [self](WireMessage reply) { self->write_reply(std::move(reply)); });
        if (!answered) self->close();
    });
}

void TcpSession::write_reply(WireMessage reply) {
    if (!socket_.is_open() || reply.empty() || reply.size() > 0xffff) return close();
    framed_reply_.clear();
    framed_reply_.push_back(static_cast<std::uint8_t>(reply.size() >> 8));
    framed_reply_.push_back(static_cast<std::uint8_t>(reply.size() & 0xff));
    framed_reply_.insert(framed_reply_.end(), reply.begin(), reply.end());
    asio::async_write(socket_, asio::buffer(framed_reply_), [self = shared_from_this()](const error_code &error,
                                                                                      std::size_t) {
        if (error) return self->close();
        self->read_length();
    });
}

} // namespace berth::network::dns
