#pragma once

#include <cstdint>
#include <string>

namespace berth::cli {

// Binary-prefixed size with four significant digits ("15.33GiB"), matching
// docker's units.BytesSize so `info` output diffs cleanly against docker's.
std::string binary_size(std::uint64_t bytes);

// Decimal-prefixed size as docker's units.HumanSizeWithPrecision: 1000-based
// B/kB/MB/GB... with `precision` significant digits. `images` and `history`
// use 3 ("4.26MB"), prune and progress counters use 4 (units.HumanSize).
std::string decimal_size(double bytes, int precision = 4);

}  // namespace berth::cli
