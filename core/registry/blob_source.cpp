#include "registry/blob_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

namespace berth::registry {
namespace {

// Owns the descriptor; shared by copies of the source's reader.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

BlobSource BlobSource::from_bytes(std::string bytes) {
    auto data = std::make_shared<const std::string>(std::move(bytes));
    BlobSource s;
    s.size = data->size();
    s.read_at = [data](std::uint64_t offset, char *buf, std::size_t len) -> std::size_t {
        if (offset >= data->size()) return 0;
        const auto n = std::min<std::uint64_t>(len, data->size() - offset);
        std::copy_n(data->data() + offset, n, buf);
        return std::size_t(n);
    };
    return s;
}

BlobSource BlobSource::from_file(const std::filesystem::path &path) {
    auto fd = std::make_shared<Fd>();
    fd->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd->fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
    struct stat st {};
    if (::fstat(fd->fd, &st) != 0) throw std::system_error(errno, std::generic_category(), "stat " + path.string());
    BlobSource s;
    s.size = std::uint64_t(st.st_size);
    s.read_at = [fd, path](std::uint64_t offset, char *buf, std::size_t len) -> std::size_t {
        while (true) {
            const ssize_t n = ::pread(fd->fd, buf, len, off_t(offset));
            if (n >= 0) return std::size_t(n);
            if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "read " + path.string());
        }
    };
    return s;
}

} // namespace berth::registry
