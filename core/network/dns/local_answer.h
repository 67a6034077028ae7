// local_answer.h — the questions the embedded DNS answers itself: A, AAAA
// and ANY for names the resolver knows (containers, aliases, ID prefixes).
#pragma once

#include "network/dns/dns_message.h"
#include "network/dns/embedded_dns.h"

#include <optional>
#include <string>

namespace berth::network::dns {

// The reply for a name the resolver knows; nullopt when the name is not
// ours (or the question is of another type) and the query goes upstream.
// As in Docker: A and ANY get every address (TTL 600, authoritative, in
// random order so aliases shared by several containers spread the load);
// AAAA gets NOERROR with no answers, because our names are IPv4 only and
// NXDOMAIN would make the client give up on the A answer too. A resolver
// that throws yields SERVFAIL.
std::optional<WireMessage> answer_locally(const DnsQuery &query, const NameResolver &resolver,
                                          const std::string &sandbox_id);

} // namespace berth::network::dns
