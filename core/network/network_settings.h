// network_settings.h — a container's NetworkSettings in Docker's shape (as
// container inspect shows it), built from its endpoint records:
//   {Bridge, SandboxID, SandboxKey, HairpinMode, LinkLocalIPv6Address,
//    LinkLocalIPv6PrefixLen, Ports, SecondaryIPAddresses,
//    SecondaryIPv6Addresses, EndpointID, Gateway, GlobalIPv6Address,
//    GlobalIPv6PrefixLen, IPAddress, IPPrefixLen, IPv6Gateway, MacAddress,
//    Networks:{<name>:{IPAMConfig, Links, Aliases, MacAddress, DriverOpts,
//    NetworkID, EndpointID, Gateway, IPAddress, IPPrefixLen, IPv6Gateway,
//    GlobalIPv6Address, GlobalIPv6PrefixLen, DNSNames}}}
// The top-level IPAddress/Gateway/MacAddress/EndpointID are the default
// bridge's (empty when not on it), as in Docker.
#pragma once

#include "network/network.h"

#include <string>
#include <vector>

namespace berth::network {

struct SettingsInput {
    std::string container_id;
    std::string sandbox_key;                  // the netns path, "" when not running
    std::vector<Network> networks;            // the networks the endpoints (and `configured`) name
    std::vector<Endpoint> endpoints;          // the container's
    // Networks the container is configured for but has no endpoint on (a
    // created or stopped container): shown with empty addresses.
    std::vector<std::string> configured;      // network names
    std::vector<ExposedPort> exposed;         // for Ports keys without bindings (null)
};

std::string network_settings_json(const SettingsInput &in);

} // namespace berth::network
