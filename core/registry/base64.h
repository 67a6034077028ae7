// base64.h — standard base64 (with padding), for Basic auth and the "auth"
// field of config.json. Internal to core/registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::registry::detail {

std::string base64_encode(std::string_view bytes);

// Accepts the standard and URL-safe alphabets, with or without padding, as
// docker clients write both. nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace berth::registry::detail
