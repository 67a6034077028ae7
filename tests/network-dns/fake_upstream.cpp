// fake_upstream.cpp — one poll loop thread; replies built with ldns.
#include "fake_upstream.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace berth::network::dns::testing {

namespace {

int bound_socket(int type, std::uint16_t port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t port_of(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    return ntohs(address.sin_port);
}

std::string owner_text(const ldns_rr *rr) {
    char *chars = ldns_rdf2str(ldns_rr_owner(rr));
    std::string text = chars ? chars : "";
    std::free(chars);
    return text;
}

} // namespace

FakeUpstream::FakeUpstream(Behaviour behaviour) : behaviour_(behaviour) {
    // The same port number for UDP and TCP, so one "ip:port" reaches both.
    for (int attempt = 0; attempt < 50 && tcp_ < 0; ++attempt) {
        udp_ = bound_socket(SOCK_DGRAM, 0);
        tcp_ = bound_socket(SOCK_STREAM, port_of(udp_));
        if (tcp_ < 0) ::close(udp_);
    }
    if (tcp_ < 0 || ::listen(tcp_, 16) != 0 || ::pipe2(stop_pipe_, O_CLOEXEC) != 0)
        throw std::runtime_error("fake upstream: cannot listen on 127.0.0.1");
    udp_port_ = port_of(udp_);
    tcp_port_ = port_of(tcp_);
    thread_ = std::thread([this] { serve(); });
}

FakeUpstream::~FakeUpstream() {
    (void)!::write(stop_pipe_[1], "x", 1);
    thread_.join();
    for (int fd : {udp_, tcp_, stop_pipe_[0], stop_pipe_[1]}) ::close(fd);
}

std::string FakeUpstream::address() const { return "127.0.0.1:" + std::to_string(udp_port_); }

std::vector<FakeUpstream::Received> FakeUpstream::received() const {
    std::lock_guard lock(mutex_);
    return received_;
}

void FakeUpstream::serve() {
    for (;;) {
        pollfd fds[3] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) continue;
        if (fds[2].revents) return;
        if (fds[0].revents & POLLIN) {
            Bytes query(65535);
            sockaddr_in from{};
            socklen_t from_length = sizeof from;
            const ssize_t got =
                ::recvfrom(udp_, query.data(), query.size(), 0, reinterpret_cast<sockaddr *>(&from), &from_length);
            if (got > 0) {
                query.resize(static_cast<std::size_t>(got));
                const Bytes reply = respond(query, false);
                if (!reply.empty())
                    ::sendto(udp_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr *>(&from), from_length);
            }
        }
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                serve_tcp_client(client);
                ::close(client);
            }
        }
    }
}

void FakeUpstream::serve_tcp_client(int client) {
    std::uint8_t length[2];
    if (::recv(client, length, 2, MSG_WAITALL) != 2) return;
    Bytes query((std::size_t{length[0]} << 8) | length[1]);
    if (::recv(client, query.data(), query.size(), MSG_WAITALL) != static_cast<ssize_t>(query.size())) return;
    const Bytes reply = respond(query, true);
    if (reply.empty()) return;
    Bytes framed{static_cast<std::uint8_t>(reply.size() >> 8), static_cast<std::uint8_t>(reply.size() & 0xff)};
    framed.insert(framed.end(), reply.begin(), reply.end());
    ::send(client, framed.data(), framed.size(), MSG_NOSIGNAL);
}

Bytes FakeUpstream::respond(const Bytes &query, bool over_tcp) {
    ldns_pkt *packet = nullptr;
    if (ldns_wire2pkt(&packet, query.data(), query.size()) != LDNS_STATUS_OK) return {};
    const ldns_rr *question = ldns_rr_list_rr(ldns_pkt_question(packet), 0);
    {
        std::lock_guard lock(mutex_);
        received_.push_back({owner_text(question), static_cast<std::uint16_t>(ldns_rr_get_type(question)),
                             ldns_pkt_id(packet), over_tcp});
    }
    if (behaviour_ == Behaviour::Silent) {
        ldns_pkt_free(packet);
        return {};
    }
    ldns_pkt_set_qr(packet, true);
    ldns_pkt_set_ra(packet, true);
    if (behaviour_ == Behaviour::ServerFailure) {
        ldns_pkt_set_rcode(packet, LDNS_RCODE_SERVFAIL);
    } else {
        // Oversized: enough TXT records to pass any UDP limit a test uses.
        const int copies = behaviour_ == Behaviour::Oversized ? 40 : 1;
        for (int i = 0; i < copies; ++i) {
            const std::string record =
                behaviour_ == Behaviour::Oversized
                    ? owner_text(question) + " 300 IN TXT \"padding-padding-padding-padding-" + std::to_string(i) + "\""
                    : owner_text(question) + " 300 IN A " + kAnswer;
            ldns_rr *rr = nullptr;
            if (ldns_rr_new_frm_str(&rr, record.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK)
                ldns_pkt_push_rr(packet, LDNS_SECTION_ANSWER, rr);
        }
    }
    std::uint8_t *wire = nullptr;
    std::size_t size = 0;
    ldns_pkt2wire(&wire, packet, &size);
    Bytes reply(wire, wire + size);
    std::free(wire);
    ldns_pkt_free(packet);
    return reply;
}

} // namespace berth::network::dns::testing
