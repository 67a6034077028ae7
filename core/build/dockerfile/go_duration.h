// go_duration.h — Go's time.ParseDuration, for HEALTHCHECK's --interval,
// --timeout, --start-period and --start-interval: Docker accepts exactly
// Go's syntax ("1m30s", "1.5h", "300ms") and its error messages show
// through to the client.
#pragma once

#include <chrono>
#include <string_view>

namespace berth::build {

// Throws std::invalid_argument with Go's message, e.g.
// `time: invalid duration "abc"` or `time: missing unit in duration "5"`.
std::chrono::nanoseconds parse_go_duration(std::string_view text);

} // namespace berth::build
