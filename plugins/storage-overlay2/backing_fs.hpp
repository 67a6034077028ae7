// backing_fs.hpp — facts about the filesystem under home that decide whether
// overlay2 can work there at all (init's PREREQ checks).
#pragma once

#include <filesystem>
#include <string>

namespace berth::overlay2 {

// dockerd's name for the filesystem holding path ("extfs", "xfs", "tmpfs",
// "overlayfs", ...), as `docker info` shows it; "<unknown>" otherwise.
std::string backing_fs_name(const std::filesystem::path &path);

// True when the filesystem is overlayfs itself, or another one overlay can
// never use as its upper layer (aufs, ecryptfs).
bool backing_fs_unsupported(const std::filesystem::path &path);

// Whether the kernel lists "overlay" in /proc/filesystems. No modprobe: a
// module the admin did not load is the admin's call.
bool kernel_has_overlay();

// Whether readdir on the filesystem of dir reports file types (d_type).
// overlayfs needs it to find whiteouts; xfs made with ftype=0 lacks it.
// Creates and removes a scratch directory under dir.
bool supports_d_type(const std::filesystem::path &dir);

} // namespace berth::overlay2
