#include "byte_units.h"

#include <array>
#include <cstdio>

namespace berth::cli {

std::string binary_size(std::uint64_t bytes) {
    static constexpr std::array<const char*, 9> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
    auto size = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (size >= 1024.0 && unit + 1 < kUnits.size()) {
        size /= 1024.0;
        ++unit;
    }
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.4g%s", size, kUnits[unit]);
    return text.data();
}

}  // namespace berth::cli
