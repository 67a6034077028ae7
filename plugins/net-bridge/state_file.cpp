#include "state_file.hpp"

#include <berth/sdk.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::netbridge {

namespace {

[[noreturn]] void io_error(const std::string &what, const std::string &path) {
    throw sdk::error(BERTH_E_IO, what + " " + path + ": " + std::strerror(errno));
}

} // namespace

StateFile::StateFile(std::string dir) : path_(dir + "/state.json"), lock_path_(dir + "/state.lock") {}

StateFile::~StateFile() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

bool StateFile::try_lock() {
    if (lock_fd_ >= 0) return true;
    int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) io_error("cannot open", lock_path_);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return false;
    }
    lock_fd_ = fd;
    return true;
}

DriverState StateFile::load() const {
    std::ifstream in(path_);
    if (!in) {
        if (errno == ENOENT) return {};
        io_error("cannot read", path_);
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        return state_from_json(text.str());
    } catch (const sdk::error &e) {
        throw sdk::error(BERTH_E_IO, path_ + ": " + e.what());
    }
}

void StateFile::save(const DriverState &state) const {
    std::string text = state_to_json(state), tmp = path_ + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) io_error("cannot write", tmp);
    const char *p = text.data();
    size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            errno = saved;
            io_error("cannot write", tmp);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) io_error("cannot flush", tmp);
    if (std::rename(tmp.c_str(), path_.c_str()) != 0) io_error("cannot rename to", path_);
}

} // namespace berth::netbridge
