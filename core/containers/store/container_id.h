// container_id.h — container IDs: 64 lowercase hex characters, short form 12.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace berth::containers {

inline constexpr size_t kShortIdLength = 12;

// A fresh ID from OpenSSL's CSPRNG. Like moby, an ID whose 12-char short
// form is all digits is drawn again: the CLI would read it as a number.
std::string generate_container_id();

// Same rule, with the random source injected (tests force the retry path).
std::string generate_container_id(const std::function<std::string()> &random_hex64);

// The 12-char form `docker ps` shows.
std::string short_id(std::string_view id);

// 64 lowercase hex characters.
bool is_full_container_id(std::string_view s);

} // namespace berth::containers
