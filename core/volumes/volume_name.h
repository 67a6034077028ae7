// volume_name.h — Docker's rules for local volume names. The name becomes a
// directory under <data-root>/volumes, so anything that could climb out of
// it ('/', "..", a leading '.') is refused.
#pragma once

#include <string>

namespace berth::volumes {

// The characters Docker allows, quoted in its error message.
inline constexpr const char *kNameChars = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

// Empty when name is acceptable, else moby's message (without the
// "create <name>: " prefix the service adds):
//   volume name is too short, names should be at least two alphanumeric characters
//   "x@" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. ...
std::string name_error(const std::string &name);

// The name Docker gives an anonymous volume: 64 random lowercase hex.
std::string anonymous_name();

} // namespace berth::volumes
