// time_format.h — Go's RFC 3339 timestamps, the form image configs, the
// image metadata (lastUpdated) and the API's "Created" strings use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::images {

// "2024-05-01T12:00:00.123456789Z": UTC, trailing zeros of the fraction
// dropped and no fraction at all for whole seconds (Go's RFC3339Nano).
std::string format_rfc3339_nano(std::chrono::system_clock::time_point t);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". Returns
// nanoseconds since the epoch, nullopt when malformed. The API turns image
// "created" strings into the unix seconds `/images/json` reports.
std::optional<int64_t> parse_rfc3339_ns(std::string_view s);

} // namespace berth::images
