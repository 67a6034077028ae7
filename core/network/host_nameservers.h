// host_nameservers.h — the nameservers in the host's resolv.conf: the
// embedded DNS forwards to them (from berthd's namespace, so loopback
// resolvers such as 127.0.0.53 work too).
#pragma once

#include <string>
#include <vector>

namespace berth::network {

// "nameserver X" lines of resolv.conf text, in order.
std::vector<std::string> parse_nameservers(const std::string &resolv_conf);
// From /etc/resolv.conf; empty when it cannot be read.
std::vector<std::string> host_nameservers();

} // namespace berth::network
