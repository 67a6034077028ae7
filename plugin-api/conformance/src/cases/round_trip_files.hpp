// round_trip_files.hpp — the set of files the round-trip case writes into a
// read-write layer: one of every kind of thing a container rootfs holds and
// a layer tar must carry (links, fifo, xattr, ownership, setuid, private
// dir, a large file, a sparse file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace conformance {

inline constexpr int64_t big_file_size = 64LL << 20;
inline constexpr int64_t sparse_file_size = 1LL << 30;
// The sparse file's two data extents (offset, length).
inline constexpr int64_t sparse_extent1 = 1LL << 20;
inline constexpr int64_t sparse_extent2 = 512LL << 20;
inline constexpr int64_t sparse_extent_len = 1LL << 20;
// A sparse file counts as sparse while it allocates at most this much.
inline constexpr int64_t sparse_max_allocated = 64LL << 20;

inline constexpr const char *rt_xattr_name = "user.berth.conformance";
inline constexpr const char *rt_xattr_value = "xattr value";

// Writes the set below root (the layer's mounted path) and returns every
// path it created, absolute inside the layer ("/rt/fifo"), parents first.
// Throws std::runtime_error naming the path the layer refused.
std::vector<std::string> write_round_trip_files(const std::string &root);

} // namespace conformance
