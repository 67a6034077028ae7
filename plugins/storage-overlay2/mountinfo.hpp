// mountinfo.hpp — what is mounted where, from /proc/self/mountinfo. The
// driver asks the kernel instead of trusting its own memory, because a
// daemon that crashed (or an older plugin generation) may have left mounts
// behind that this instance never saw being made.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::overlay2 {

// Every mount point, unescaped ("\040" -> ' '), in mountinfo order (a
// parent before what is mounted below it).
std::vector<std::string> mount_points();

// True when path (absolute, canonical) is a mount point.
bool is_mounted(const std::filesystem::path &path);

// Mount points strictly below dir (absolute, canonical), deepest first so
// they can be unmounted in that order.
std::vector<std::string> mounts_below(const std::filesystem::path &dir);

} // namespace berth::overlay2
