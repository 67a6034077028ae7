// atomic_file.h — crash-safe file replacement: write a temp file in the same
// directory, fsync it, rename it over the target, fsync the directory. A
// reader sees the old content or the new, never a torn file, even across
// kill -9 or power loss.
#pragma once

#include <filesystem>
#include <string_view>

namespace berth::util {

enum class Durability {
    PowerLoss,   // fsync the file and the directory: survives a power cut
    ProcessCrash // rename only: old or new content after kill -9; for files
                 // that are regenerated or live on tmpfs (fsync costs ~7 ms)
};

// Returns false (errno set) on any failure; the target is then unchanged.
bool write_file_atomic(const std::filesystem::path &target, std::string_view data, int mode = 0600,
                       Durability durability = Durability::PowerLoss);

} // namespace berth::util
