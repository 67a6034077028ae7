// copy_up.h — Docker's "copy image content into a fresh volume": when a
// container mounts an empty volume over a directory its image has content
// in, that content is copied into the volume first (unless the mount says
// nocopy). Owners, modes, times, xattrs, symlinks, hard links, device nodes
// and fifos are kept where the kernel lets us; sockets are skipped.
#pragma once

#include <filesystem>

namespace berth::volumes {

// Copies the tree at src_dir into volume_path when volume_path is empty,
// also giving volume_path src_dir's owner, mode and xattrs (moby's
// copyOwnership). Returns false, touching nothing, when volume_path already
// has entries or src_dir does not exist. Throws InternalError on I/O errors.
bool copy_up(const std::filesystem::path &src_dir, const std::filesystem::path &volume_path);

} // namespace berth::volumes
