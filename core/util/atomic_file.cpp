#include "util/atomic_file.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <string>
#include <unistd.h>

namespace berth::util {
namespace {

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(size_t(n));
    }
    return true;
}

} // namespace

bool write_file_atomic(const std::filesystem::path &target, std::string_view data, int mode, Durability durability) {
    const bool sync = durability == Durability::PowerLoss;
    const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::string tmp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, mode_t(mode)) == 0 && write_all(fd, data) && (!sync || ::fsync(fd) == 0);
    const int saved = errno;
    ::close(fd);
    if (ok) ok = ::rename(tmp.c_str(), target.c_str()) == 0;
    if (!ok) {
        const int e = ok ? 0 : (errno ? errno : saved);
        ::unlink(tmp.c_str());
        errno = e;
        return false;
    }
    if (!sync) return true;
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

} // namespace berth::util
