#pragma once

#include <cstdint>
#include <string>

// Ages as docker prints them in CREATED columns.
namespace berth::cli {

// docker's units.HumanDuration: "Less than a second", "About a minute",
// "3 hours", "2 weeks", "5 years".
std::string human_duration(std::int64_t seconds);

// "<human_duration(now - created)> ago", the CreatedSince column. A creation
// time in the future (clock skew) counts as "Less than a second ago", as
// docker's negative durations do.
std::string created_since(std::int64_t created_unix, std::int64_t now_unix);

// RFC 3339 in local time with offset ("2024-01-02T03:04:05+01:00"), Go's
// time.RFC3339, for `history --human=false`.
std::string rfc3339_local(std::int64_t unix_seconds);

}  // namespace berth::cli
