// query_service.cpp — the decision path of every query.
#include "network/dns/query_service.h"

#include "network/dns/local_answer.h"

namespace berth::network::dns {

namespace {

bool is_single_label(const std::string &name) { return name.find('.') == std::string::npos; }

} // namespace

QueryService::QueryService(NameResolver resolver, QueryForwarder &forwarder)
    : resolver_(std::move(resolver)), forwarder_(forwarder) {}

bool QueryService::handle(const std::string &sandbox_id, std::span<const std::uint8_t> wire, Transport transport,
                          ReplyHandler reply) {
    std::optional<DnsQuery> query = DnsQuery::parse(wire);
    if (!query) return false;

    if (transport == Transport::Udp) {
        reply = [limit = query->max_udp_size(), send = std::move(reply)](WireMessage message) {
            if (auto fitted = fit_udp_limit(std::move(message), limit)) send(std::move(*fitted));
        };
    }

    if (std::optional<WireMessage> local = answer_locally(*query, resolver_, sandbox_id)) {
        reply(std::move(*local));
        return true;
    }
    if (!forwarder_.has_upstreams()) {
        // Nowhere to forward: a bare name is certainly not a host name the
        // world knows (NXDOMAIN lets the client try its search domains);
        // anything else might be, so the failure is ours (SERVFAIL).
        const bool bare = is_single_label(query->question().name);
        reply(query->error_reply(bare ? ResponseCode::NameError : ResponseCode::ServerFailure));
        return true;
    }
    forwarder_.forward(*query, WireMessage(wire.begin(), wire.end()), transport, std::move(reply));
    return true;
}

} // namespace berth::network::dns
