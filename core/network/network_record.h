// network_record.h — the JSON of network and endpoint records. A network's
// record is Docker's Network object without Containers, so inspect and the
// file agree; an endpoint's is berth's own.
#pragma once

#include "network/network.h"

#include <optional>
#include <string>

namespace berth::network {

std::string network_record_json(const Network &n);
// nullopt when the text is not a well-formed record (caller logs, skips).
std::optional<Network> parse_network_record(const std::string &text);

std::string endpoint_record_json(const Endpoint &e);
std::optional<Endpoint> parse_endpoint_record(const std::string &text);

} // namespace berth::network
