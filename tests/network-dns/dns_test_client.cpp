// dns_test_client.cpp — plain blocking sockets with poll timeouts.
#include "dns_test_client.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace berth::network::dns::testing {

namespace {

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

sockaddr_in endpoint(const std::string &host, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    return address;
}

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
    pollfd waiting{fd, POLLIN, 0};
    return ::poll(&waiting, 1, static_cast<int>(timeout.count())) == 1;
}

bool read_exactly(int fd, std::uint8_t *data, std::size_t size, std::chrono::milliseconds timeout) {
    std::size_t done = 0;
    while (done < size) {
        if (!wait_readable(fd, timeout)) return false;
        const ssize_t got = ::recv(fd, data + done, size - done, 0);
        if (got <= 0) return false;
        done += static_cast<std::size_t>(got);
    }
    return true;
}

std::string text(const ldns_rdf *rdf) {
    char *chars = ldns_rdf2str(rdf);
    std::string result = chars ? chars : "";
    std::free(chars);
    return result;
}

} // namespace

Bytes make_query(const std::string &name, std::uint16_t type, std::uint16_t id, std::uint16_t edns_size) {
    ldns_rdf *owner = ldns_dname_new_frm_str(name.c_str());
    ldns_pkt *query = ldns_pkt_query_new(owner, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD);
    ldns_pkt_set_id(query, id);
    if (edns_size != 0) ldns_pkt_set_edns_udp_size(query, edns_size);
    std::uint8_t *wire = nullptr;
    std::size_t size = 0;
    ldns_pkt2wire(&wire, query, &size);
    Bytes bytes(wire, wire + size);
    std::free(wire);
    ldns_pkt_free(query);
    return bytes;
}

std::optional<Reply> read_reply(const Bytes &wire) {
    ldns_pkt *packet = nullptr;
    if (ldns_wire2pkt(&packet, wire.data(), wire.size()) != LDNS_STATUS_OK) return std::nullopt;
    Reply reply;
    reply.id = ldns_pkt_id(packet);
    reply.rcode = static_cast<std::uint8_t>(ldns_pkt_get_rcode(packet));
    reply.authoritative = ldns_pkt_aa(packet);
    reply.truncated = ldns_pkt_tc(packet);
    if (ldns_pkt_qdcount(packet) > 0) reply.question = text(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(packet), 0)));
    const ldns_rr_list *answers = ldns_pkt_answer(packet);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answers); ++i) {
        const ldns_rr *rr = ldns_rr_list_rr(answers, i);
        reply.answers.push_back({text(ldns_rr_owner(rr)), static_cast<std::uint16_t>(ldns_rr_get_type(rr)),
                                 ldns_rr_ttl(rr), ldns_rr_rd_count(rr) ? text(ldns_rr_rdf(rr, 0)) : ""});
    }
    ldns_pkt_free(packet);
    return reply;
}

std::optional<Bytes> udp_exchange(const std::string &host, std::uint16_t port, const Bytes &query,
                                  std::chrono::milliseconds timeout) {
    Fd sock{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    const sockaddr_in to = endpoint(host, port);
    if (::connect(sock.fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0) return std::nullopt;
    if (::send(sock.fd, query.data(), query.size(), 0) < 0) return std::nullopt;
    if (!wait_readable(sock.fd, timeout)) return std::nullopt;
    Bytes reply(65535);
    const ssize_t got = ::recv(sock.fd, reply.data(), reply.size(), 0);
    if (got < 0) return std::nullopt;
    reply.resize(static_cast<std::size_t>(got));
    return reply;
}

std::optional<Bytes> tcp_exchange(const std::string &host, std::uint16_t port, const Bytes &query,
                                  std::chrono::milliseconds timeout) {
    Fd sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    const sockaddr_in to = endpoint(host, port);
    if (::connect(sock.fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0) return std::nullopt;
    Bytes framed{static_cast<std::uint8_t>(query.size() >> 8), static_cast<std::uint8_t>(query.size() & 0xff)};
    framed.insert(framed.end(), query.begin(), query.end());
    if (::send(sock.fd, framed.data(), framed.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(framed.size()))
        return std::nullopt;
    std::uint8_t length[2];
    if (!read_exactly(sock.fd, length, 2, timeout)) return std::nullopt;
    Bytes reply((std::size_t{length[0]} << 8) | length[1]);
    if (!read_exactly(sock.fd, reply.data(), reply.size(), timeout)) return std::nullopt;
    return reply;
}

bool udp_port_refused(const std::string &host, std::uint16_t port) {
    Fd sock{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    const sockaddr_in to = endpoint(host, port);
    if (::connect(sock.fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0) return false;
    const Bytes probe = make_query("probe.invalid", 1, 1);
    if (::send(sock.fd, probe.data(), probe.size(), 0) < 0) return errno == ECONNREFUSED;
    if (!wait_readable(sock.fd, std::chrono::milliseconds(500))) return false;
    std::uint8_t buffer[512];
    return ::recv(sock.fd, buffer, sizeof buffer, 0) < 0 && errno == ECONNREFUSED;
}

bool tcp_port_refused(const std::string &host, std::uint16_t port) {
    Fd sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    const sockaddr_in to = endpoint(host, port);
    return ::connect(sock.fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0 && errno == ECONNREFUSED;
}

} // namespace berth::network::dns::testing
