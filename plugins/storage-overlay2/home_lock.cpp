// home_lock.cpp — see home_lock.hpp. flock locks belong to the open file
// description, so two instances in the same process still exclude each
// other, and the kernel drops a crashed process's lock by itself.
#include "home_lock.hpp"

#include "errors.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace berth::overlay2 {

HomeLock::HomeLock(const std::filesystem::path &home) : path_(home / ".instances.lock") {
    fd_ = Fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd_) fail_errno(errno, "open", path_.native(), BERTH_E_IO);
}

bool HomeLock::try_exclusive() {
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) return false;
        if (errno != EINTR) fail_errno(errno, "flock", path_.native(), BERTH_E_IO);
    }
    return true;
}

void HomeLock::share() {
    while (::flock(fd_.get(), LOCK_SH) != 0)
        if (errno != EINTR) fail_errno(errno, "flock", path_.native(), BERTH_E_IO);
}

} // namespace berth::overlay2
