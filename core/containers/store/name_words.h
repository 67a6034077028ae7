// name_words.h — the word lists behind Docker-style random container names.
#pragma once

#include <span>
#include <string_view>

namespace berth::containers {

std::span<const std::string_view> name_adjectives();
// Notable scientists and engineers.
std::span<const std::string_view> name_surnames();

} // namespace berth::containers
