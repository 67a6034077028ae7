// sys_util.hpp — the few POSIX helpers the btrfs driver shares: an owning file
// descriptor, errno -> berth status mapping, and random temp-name suffixes.
// Kept apart so the ioctl code and the layer store read as policy, not
// plumbing.
#pragma once

#include <berth/sdk.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace berth::btrfs {

// Owns one descriptor; closes it on destruction. Move-only.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd &operator=(unique_fd &&o) noexcept;
    unique_fd(const unique_fd &) = delete;
    unique_fd &operator=(const unique_fd &) = delete;
    ~unique_fd();

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// The berth status that best describes errno value e (ENOENT -> NOTFOUND,
// EEXIST -> EXISTS, EPERM/EACCES/EROFS -> PERM, EBUSY -> BUSY, ...; IO when
// nothing fits better).
int32_t status_from_errno(int e) noexcept;

// Throws sdk::error(status_from_errno(e), "btrfs: <what>: <strerror(e)>").
[[noreturn]] void throw_errno(int e, const std::string &what);

// Open a directory relative to dirfd without following a final symlink.
// Throws (via throw_errno) on failure, naming `what_path`.
unique_fd open_dir_at(int dirfd, const std::string &name, const std::string &what_path);

// 16 random lowercase hex characters, for "<id>-tmp-<suffix>" names that two
// concurrent creates (or a crashed earlier run) can never collide on.
std::string random_suffix();

} // namespace berth::btrfs
