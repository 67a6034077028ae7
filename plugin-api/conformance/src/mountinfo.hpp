// mountinfo.hpp — what /proc/self/mountinfo says is mounted. The kit runs
// in the driver's mount namespace (same process), so this is exactly what
// the driver's get/put/cleanup did.
#pragma once

#include <string>
#include <vector>

namespace conformance {

// Every mount point, octal escapes (\040 for a space) decoded.
std::vector<std::string> mount_points();
// path is canonicalised (realpath) before comparing.
bool is_mount_point(const std::string &path);
// Mount points at or below dir (canonicalised).
std::vector<std::string> mounts_under(const std::string &dir);

} // namespace conformance
