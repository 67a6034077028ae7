#include "util/data_root_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace berth::util {

DataRootLock::DataRootLock(const std::filesystem::path &data_root) {
    std::filesystem::create_directories(data_root);
    std::filesystem::permissions(data_root, std::filesystem::perms::owner_all);
    const auto path = data_root / "berthd.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char buf[32] = {};
        const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            std::string pid = n > 0 ? std::string(buf, size_t(n)) : std::string("unknown");
            while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
            throw std::runtime_error("data root " + data_root.string() + " is in use by another berthd (pid " +
                                     pid + ")");
        }
        throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The lock is what matters; the pid is only for the message.
    }
}

DataRootLock::~DataRootLock() {
    if (fd_ >= 0) ::close(fd_);
}

} // namespace berth::util
