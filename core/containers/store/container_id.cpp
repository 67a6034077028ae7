#include "containers/store/container_id.h"

#include "images/random_id.h"

#include <algorithm>

namespace berth::containers {

namespace {
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
} // namespace

std::string generate_container_id(const std::function<std::string()> &random_hex64) {
    for (;;) {
        std::string id = random_hex64();
        if (!all_digits(std::string_view(id).substr(0, kShortIdLength))) return id;
    }
}

std::string generate_container_id() {
    return generate_container_id([] { return images::random_hex(32); });
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, kShortIdLength)); }

bool is_full_container_id(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace berth::containers
