// fs_util.h — the few durable-file primitives the image stores share: a
// synced small-file write (for files inside a not-yet-published temp
// directory), directory fsync (makes a rename durable), tolerant reads and
// tree removal. Failures throw InternalError naming the path and errno.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace berth::images::fsx {

[[noreturn]] void throw_errno(const std::string &what, int err);

// write() until done, retrying EINTR. False with errno set on failure.
bool write_all(int fd, const void *data, size_t len);

// Create or truncate path, write data, fsync. Not atomic by itself: use it
// inside a temp directory that is renamed into place afterwards, or use
// util::write_file_atomic for a file replaced in place.
void write_file_synced(const std::filesystem::path &path, std::string_view data, int mode = 0644);

// fsync a directory so renames and unlinks in it survive a power loss.
void fsync_dir(const std::filesystem::path &dir);

// The file's content, nullopt when it does not exist. Throws when it is
// larger than max_bytes or cannot be read.
std::optional<std::string> read_file(const std::filesystem::path &path, size_t max_bytes = 1 << 20);

// Content with surrounding whitespace removed (records written by hand or
// by dockerd may end in a newline).
std::optional<std::string> read_trimmed(const std::filesystem::path &path);

void make_dirs(const std::filesystem::path &dir);

// Best effort: used on cleanup paths that must not throw.
void remove_tree(const std::filesystem::path &path) noexcept;

} // namespace berth::images::fsx
