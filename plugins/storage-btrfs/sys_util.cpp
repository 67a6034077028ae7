// sys_util.cpp — see sys_util.hpp.
#include "sys_util.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

namespace berth::btrfs {

unique_fd &unique_fd::operator=(unique_fd &&o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
}

unique_fd::~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
}

int32_t status_from_errno(int e) noexcept {
    switch (e) {
    case ENOENT: return BERTH_E_NOTFOUND;
    case EEXIST: return BERTH_E_EXISTS;
    case EPERM:
    case EACCES:
    case EROFS: return BERTH_E_PERM;
    case EBUSY:
    case ENOTEMPTY: return BERTH_E_BUSY;
    case EINVAL:
    case ENAMETOOLONG: return BERTH_E_INVAL;
    case ENOTTY:
    case EOPNOTSUPP:
    case ENOSYS: return BERTH_E_NOTSUP;
    case EAGAIN:
    case EINTR: return BERTH_E_AGAIN;
    case ENOMEM: return BERTH_E_INTERNAL;
    default: return BERTH_E_IO;
    }
}

void throw_errno(int e, const std::string &what) {
    throw sdk::error(status_from_errno(e), "btrfs: " + what + ": " + std::strerror(e));
}

unique_fd open_dir_at(int dirfd, const std::string &name, const std::string &what_path) {
    int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw_errno(errno, "open " + what_path);
    return unique_fd(fd);
}

std::string random_suffix() {
    unsigned char bytes[8];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "getrandom");
        }
        got += static_cast<size_t>(n);
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (unsigned char b : bytes) {
        s += hex[b >> 4];
        s += hex[b & 15];
    }
    return s;
}

} // namespace berth::btrfs
