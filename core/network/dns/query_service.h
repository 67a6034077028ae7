// query_service.h — what the embedded DNS does with one incoming message:
// drop it, answer it from the resolver, or forward it upstream.
#pragma once

#include "network/dns/embedded_dns.h"
#include "network/dns/query_forwarder.h"

#include <cstdint>
#include <span>
#include <string>

namespace berth::network::dns {

class QueryService {
public:
    QueryService(NameResolver resolver, QueryForwarder &forwarder);

    // Returns false when the message is dropped (malformed, a response, not
    // exactly one question): `reply` is then never called. Otherwise `reply`
    // is called once, now or after forwarding, on the event thread; UDP
    // replies are already cut to the client's size limit (TC set).
    bool handle(const std::string &sandbox_id, std::span<const std::uint8_t> wire, Transport transport,
                ReplyHandler reply);

private:
    NameResolver resolver_;
    QueryForwarder &forwarder_;
};

} // namespace berth::network::dns
