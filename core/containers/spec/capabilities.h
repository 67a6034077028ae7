// capabilities.h — Docker's capability rules: the 14 defaults, name
// normalisation ("net_admin" → "CAP_NET_ADMIN") and how --privileged,
// --cap-add and --cap-drop combine into the final set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::containers::spec {

// Docker's default set, in Docker's order.
const std::vector<std::string> &default_capabilities();

// Every capability name known here whose number is <= last_cap (the kernel's
// /proc/sys/kernel/cap_last_cap), in number order.
std::vector<std::string> all_capabilities(int last_cap);

// Upper-cases and adds the CAP_ prefix; "ALL" stays "ALL". Throws
// SpecError(InvalidArgument) `unknown capability: "CAP_X"` for unknown names
// and for known ones the kernel lacks.
std::string normalize_capability(const std::string &name, int last_cap);

// The final list for bounding/effective/permitted.
std::vector<std::string> effective_capabilities(const std::vector<std::string> &cap_add,
                                                const std::vector<std::string> &cap_drop, bool privileged,
                                                int last_cap);

// berthd's bounding set (CapBnd of /proc/self/status): the most a
// container can be given; --privileged and --cap-add ALL stop there.
std::uint64_t daemon_bounding_set();

} // namespace berth::containers::spec
