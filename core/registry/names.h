// names.h — checks on what goes into a registry URL path. Repository names,
// tags and digests come from API callers; anything outside the distribution
// grammar ("..", "?", "%", upper case) is refused before it can change which
// URL is requested.
#pragma once

#include <string_view>

namespace berth::registry {

// distribution: path components of [a-z0-9]+ joined by '.', '_', '__' or
// runs of '-', separated by '/'; at most 255 characters in all.
bool is_valid_repository(std::string_view name);

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool is_valid_tag(std::string_view tag);

// Throw RegistryError (Invalid) naming the bad value.
void check_repository(std::string_view name);
// A tag or a digest.
void check_reference(std::string_view reference);
void check_digest(std::string_view digest);

} // namespace berth::registry
