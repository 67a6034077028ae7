// api_version.h — the Engine API versions berthd speaks and the parsing of
// the optional /vX.Y prefix. docker CLI 29 refuses servers below 1.44, so
// 1.44 is the floor of what we advertise; prefixes down to 1.24 still work.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::api {

inline constexpr const char *kApiVersion = "1.44";
inline constexpr const char *kMinApiVersion = "1.24";

struct SplitTarget {
    std::string version; // "1.44"; empty when the path had no prefix
    std::string path;    // the rest, starting with '/'
    std::string query;   // after '?', without it
};

// "/v1.44/containers/json?all=1" -> {"1.44", "/containers/json", "all=1"}.
SplitTarget split_target(std::string_view target);

// Compare "1.9" < "1.10" numerically; nullopt when either is malformed.
std::optional<int> compare_versions(std::string_view a, std::string_view b);

// Empty when version is acceptable, else Docker's 400 message.
std::string check_version(std::string_view version);

} // namespace berth::api
