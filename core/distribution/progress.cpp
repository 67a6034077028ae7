#include "distribution/progress.h"

namespace berth::distribution {

std::string short_id(const std::string &digest) {
    const auto colon = digest.find(':');
    const std::string hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
    return hex.substr(0, 12);
}

} // namespace berth::distribution
