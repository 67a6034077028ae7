// volume_mount.h — the mount(2) side of the local driver: mounting a
// volume's `type`/`device`/`o` over its _data directory, unmounting it, and
// reading /proc/self/mountinfo to learn what is mounted (after a restart,
// or before deleting a directory that must not have a mount inside).
#pragma once

#include "volumes/volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace berth::volumes {

// Mount points in this mount namespace, unescaped ("\040" -> ' ').
std::vector<std::filesystem::path> mount_points();

bool is_mount_point(const std::filesystem::path &path);

// Mount points at or below dir, deepest first (the order to unmount them).
std::vector<std::filesystem::path> mounts_under(const std::filesystem::path &dir);

// moby's mount.Mount for a local volume: flags and data from `o`, a second
// call for propagation, a read-only remount for "bind,ro". Throws
// InternalError "failed to mount local volume: mount <dev>:<target>, ...".
void mount_volume(const StringMap &options, const std::filesystem::path &target);

// Lazy (MNT_DETACH) unmount, as moby does; "not mounted" is success.
// Throws InternalError on any other failure.
void unmount_volume(const std::filesystem::path &target);

} // namespace berth::volumes
