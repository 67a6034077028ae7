#include "byte_units.h"

#include <array>
#include <cstdio>

namespace berth::cli {
namespace {

template <std::size_t N>
std::string scaled(double size, double base, const std::array<const char*, N>& units, int precision) {
    std::size_t unit = 0;
    while (size >= base && unit + 1 < units.size()) {
        size /= base;
        ++unit;
    }
    std::array<char, 48> text{};
    std::snprintf(text.data(), text.size(), "%.*g%s", precision, size, units[unit]);
    return text.data();
}

}  // namespace

std::string binary_size(std::uint64_t bytes) {
    static constexpr std::array<const char*, 9> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
    return scaled(static_cast<double>(bytes), 1024.0, kUnits, 4);
}

std::string decimal_size(double bytes, int precision) {
    static constexpr std::array<const char*, 9> kUnits = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    return scaled(bytes, 1000.0, kUnits, precision);
}

}  // namespace berth::cli
