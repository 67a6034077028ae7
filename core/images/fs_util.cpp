#include "images/fs_util.h"

#include "images/errors.h"
#include "images/unique_fd.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::images::fsx {

void throw_errno(const std::string &what, int err) { throw InternalError(what + ": " + std::strerror(err)); }

bool write_all(int fd, const void *data, size_t len) {
    const auto *p = static_cast<const char *>(data);
    while (len > 0) {
        const ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        len -= size_t(n);
    }
    return true;
}

void write_file_synced(const std::filesystem::path &path, std::string_view data, int mode) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode)));
    if (!fd) throw_errno("create " + path.string(), errno);
    if (!write_all(fd.get(), data.data(), data.size())) throw_errno("write " + path.string(), errno);
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + path.string(), errno);
}

void fsync_dir(const std::filesystem::path &dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("open directory " + dir.string(), errno);
    if (::fsync(fd.get()) != 0) throw_errno("fsync directory " + dir.string(), errno);
}

std::optional<std::string> read_file(const std::filesystem::path &path, size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path.string(), errno);
    }
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + path.string(), errno);
        }
        if (n == 0) break;
        if (out.size() + size_t(n) > max_bytes)
            throw InternalError("read " + path.string() + ": larger than " + std::to_string(max_bytes) + " bytes");
        out.append(buf, size_t(n));
    }
    return out;
}

std::optional<std::string> read_trimmed(const std::filesystem::path &path) {
    auto s = read_file(path);
    if (!s) return s;
    const auto first = s->find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::string();
    const auto last = s->find_last_not_of(" \t\r\n");
    return s->substr(first, last - first + 1);
}

void make_dirs(const std::filesystem::path &dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw InternalError("create directory " + dir.string() + ": " + ec.message());
}

void remove_tree(const std::filesystem::path &path) noexcept {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

} // namespace berth::images::fsx
