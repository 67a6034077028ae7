#pragma once

#include <string>
#include <string_view>

// Engine API version this CLI speaks, and the helpers that build request
// targets for it. Every path is version-prefixed so an older daemon rejects
// a request it does not understand instead of guessing.
namespace berth::cli {

inline constexpr std::string_view kApiVersion = "1.44";

// "/version" -> "/v1.44/version". path must start with '/'.
std::string api_path(std::string_view path);

// Escapes one path segment (a plugin or container name) so names containing
// '/', '?', '%' or spaces cannot change which route is hit.
std::string escape_path_segment(std::string_view segment);

}  // namespace berth::cli
