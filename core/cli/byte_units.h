#pragma once

#include <cstdint>
#include <string>

namespace berth::cli {

// Binary-prefixed size with four significant digits ("15.33GiB"), matching
// docker's units.BytesSize so `info` output diffs cleanly against docker's.
std::string binary_size(std::uint64_t bytes);

}  // namespace berth::cli
