// network_json.h — Docker's Network object (GET /networks/{id}) as JSON text:
// Name, Id, Created, Scope, Driver, EnableIPv6, IPAM, Internal, Attachable,
// Ingress, ConfigFrom, ConfigOnly, Containers, Options, Labels.
#pragma once

#include "network/network.h"

#include <string>
#include <vector>

namespace berth::network {

// One entry of the Containers map: {cid:{Name, EndpointID, MacAddress,
// IPv4Address:"172.18.0.2/16", IPv6Address:""}}.
struct AttachedContainer {
    std::string container_id;
    std::string name;
    std::string endpoint_id;
    std::string mac_address;
    std::string ipv4_cidr; // "" on host/none
};

// containers == nullptr leaves the Containers key out (the stored record).
std::string network_json(const Network &n, const std::vector<AttachedContainer> *containers);

} // namespace berth::network
