// signals.h — Docker's signal names: "SIGTERM", "TERM", "term", "15",
// "SIGRTMIN+3". Used by stop/kill and the image's StopSignal.
#pragma once

#include <string>

namespace berth::containers {

// The signal number; throws InvalidArgument "invalid signal: x".
int parse_signal(const std::string &name);

} // namespace berth::containers
