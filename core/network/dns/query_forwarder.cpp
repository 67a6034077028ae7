// query_forwarder.cpp — one ForwardAttempt per forwarded query walks the
// upstream list; every step is guarded by a step number so a late timer or
// a cancelled read from an abandoned upstream cannot act twice.
#include "network/dns/query_forwarder.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <utility>

namespace berth::network::dns {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kMaxMessageSize = 65535;

class ForwardAttempt : public std::enable_shared_from_this<ForwardAttempt> {
public:
    ForwardAttempt(asio::io_context &io, std::shared_ptr<const std::vector<UpstreamServer>> upstreams,
                   std::chrono::milliseconds timeout, std::shared_ptr<std::size_t> in_flight, const DnsQuery &query,
                   WireMessage wire, std::uint16_t upstream_id, Transport transport, ReplyHandler done)
        : upstreams_(std::move(upstreams)), timeout_(timeout), in_flight_(std::move(in_flight)),
          question_(query.question()), client_id_(query.id()), upstream_id_(upstream_id),
          servfail_(query.error_reply(ResponseCode::ServerFailure)), wire_(std::move(wire)), transport_(transport),
          done_(std::move(done)), timer_(io), udp_(io), tcp_(io) {
        set_message_id(wire_, upstream_id_);
        ++*in_flight_;
    }

    ~ForwardAttempt() { --*in_flight_; }

    void start() { try_upstream(0); }

private:
    void try_upstream(std::size_t index) {
        close_sockets();
        const std::size_t step = ++step_;
        if (index >= upstreams_->size()) return finish(servfail_);
        index_ = index;
        const UpstreamServer &server = (*upstreams_)[index];
        error_code ec;
        const auto address = asio::ip::make_address(server.address, ec);
        if (ec) return try_upstream(index + 1);

        timer_.expires_after(timeout_);
        timer_.async_wait([self = shared_from_this(), step](const error_code &error) {
            if (!error && step == self->step_) self->try_upstream(self->index_ + 1);
        });
        if (transport_ == Transport::Udp)
            send_udp(asio::ip::udp::endpoint(address, server.port), step);
        else
            send_tcp(asio::ip::tcp::endpoint(address, server.port), step);
    }

    void send_udp(const asio::ip::udp::endpoint &upstream, std::size_t step) {
        error_code ec;
        udp_.open(upstream.protocol(), ec);
        // Connected, so the kernel only delivers this upstream's datagrams
        // and reports a closed port (ICMP) as an error right away.
        if (!ec) udp_.connect(upstream, ec);
        if (ec) return try_upstream(index_ + 1);
        udp_.async_send(asio::buffer(wire_), [self = shared_from_this(), step](const error_code &error, std::size_t) {
            if (step != self->step_) return;
            if (error) return self->try_upstream(self->index_ + 1);
            self->receive_udp(step);
        });
    }

    void receive_udp(std::size_t step) {
        reply_.resize(kMaxMessageSize);
        udp_.async_receive(asio::buffer(reply_), [self = shared_from_this(), step](const error_code &error,
                                                                                  std::size_t size) {
            if (step != self->step_) return;
            if (error) return self->try_upstream(self->index_ + 1);
            self->reply_.resize(size);
            // A stray or spoofed datagram is ignored; the real reply may follow.
            if (!self->accept_reply(/*stray_is_fatal=*/false)) self->receive_udp(step);
        });
    }

    void send_tcp(const asio::ip::tcp::endpoint &upstream, std::size_t step) {
        framed_.clear();
        framed_.push_back(static_cast<std::uint8_t>(wire_.size() >> 8));
        framed_.push_back(static_cast<std::uint8_t>(wire_.size() & 0xff));
        framed_.insert(framed_.end(), wire_.begin(), wire_.end());
        tcp_.async_connect(upstream, [self = shared_from_this(), step](const error_code &error) {
            if (step != self->step_) return;
            if (error) return self->try_upstream(self->index_ + 1);
            asio::async_write(self->tcp_, asio::buffer(self->framed_),
                              [self, step](const error_code &write_error, std::size_t) {
                                  if (step != self->step_) return;
                                  if (write_error) return self->try_upstream(self->index_ + 1);
                                  self->receive_tcp(step);
                              });
        });
    }

    void receive_tcp(std::size_t step) {
        asio::async_read(tcp_, asio::buffer(length_), [self = shared_from_this(), step](const error_code &error,
                                                                                       std::size_t) {
            if (step != self->step_) return;
            const std::size_t size = (std::size_t{self->length_[0]} << 8) | self->length_[1];
            if (error || size == 0) return self->try_upstream(self->index_ + 1);
            self->reply_.resize(size);
            asio::async_read(self->tcp_, asio::buffer(self->reply_),
                             [self, step](const error_code &read_error, std::size_t) {
                                 if (step != self->step_) return;
                                 if (read_error) return self->try_upstream(self->index_ + 1);
                                 self->accept_reply(/*stray_is_fatal=*/true);
                             });
        });
    }

    // True when the reply ended this upstream's turn (relayed, or given up).
    bool accept_reply(bool stray_is_fatal) {
        const std::optional<ReplySummary> summary = summarize_reply(reply_);
        const bool ours = summary && summary->id == upstream_id_ && summary->question &&
                          summary->question->name == question_.name && summary->question->type == question_.type;
        if (!ours) {
            if (stray_is_fatal) try_upstream(index_ + 1);
            return stray_is_fatal;
        }
        if (summary->code == ResponseCode::ServerFailure || summary->code == ResponseCode::Refused) {
            try_upstream(index_ + 1);
            return true;
        }
        set_message_id(reply_, client_id_);
        finish(std::move(reply_));
        return true;
    }

    void finish(WireMessage reply) {
        ++step_; // anything still pending is stale from here on
        close_sockets();
        timer_.cancel();
        if (done_) std::exchange(done_, nullptr)(std::move(reply));
    }

    void close_sockets() {
        error_code ignored;
        udp_.close(ignored);
        tcp_.close(ignored);
    }

    std::shared_ptr<const std::vector<UpstreamServer>> upstreams_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<std::size_t> in_flight_;
    Question question_;
    std::uint16_t client_id_;
    std::uint16_t upstream_id_;
    WireMessage servfail_;
    WireMessage wire_;
    Transport transport_;
    ReplyHandler done_;
    asio::steady_timer timer_;
    asio::ip::udp::socket udp_;
    asio::ip::tcp::socket tcp_;
    std::size_t step_ = 0;
    std::size_t index_ = 0;
    WireMessage framed_;
    std::array<std::uint8_t, 2> length_{};
    WireMessage reply_;
};

} // namespace

QueryForwarder::QueryForwarder(asio::io_context &io, std::vector<UpstreamServer> upstreams,
                               std::chrono::milliseconds timeout_per_upstream)
    : io_(io), upstreams_(std::make_shared<const std::vector<UpstreamServer>>(std::move(upstreams))),
      timeout_(timeout_per_upstream), in_flight_(std::make_shared<std::size_t>(0)),
      random_ids_(std::random_device{}()) {}

QueryForwarder::~QueryForwarder() = default;

void QueryForwarder::forward(const DnsQuery &query, const WireMessage &wire, Transport transport, ReplyHandler done) {
    if (*in_flight_ >= kMaxInFlight) return done(query.error_reply(ResponseCode::ServerFailure));
    // A fresh ID per upstream query makes blind spoofing of the reply harder
    // than reusing whatever the client picked.
    const auto upstream_id = static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xffff)(random_ids_));
    auto attempt = std::make_shared<ForwardAttempt>(io_, upstreams_, timeout_, in_flight_, query, wire, upstream_id,
                                                    transport, std::move(done));
    attempt->start();
}

} // namespace berth::network::dns
