// name_resolution.h — what a name means to the embedded DNS for one
// container (the sandbox asking): over the user-defined networks it is
// attached to (never the default bridge, host or none), another endpoint's
// container name, its --network-alias names, or a prefix of its container
// id of 12 characters or more, compared case-insensitively, each also as
// "<name>.<network name>". Returns the matching endpoints' IPv4 addresses
// on that network (unique, in endpoint order); empty means "not ours".
#pragma once

#include "network/network.h"

#include <string>
#include <vector>

namespace berth::network {

std::vector<std::string> resolve_container_name(const std::vector<Network> &networks,
                                                const std::vector<Endpoint> &endpoints, const std::string &sandbox_id,
                                                const std::string &name);

} // namespace berth::network
