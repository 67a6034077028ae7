// layer_meta.cpp — see layer_meta.hpp.
#include "layer_meta.hpp"

#include "sys_util.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace berth::btrfs {
namespace {

void write_all(int fd, const std::string &data, const std::string &what) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "write " + what);
        }
        off += static_cast<size_t>(n);
    }
}

} // namespace

void write_meta(int dirfd, const std::string &name, const layer_meta &meta) {
    nlohmann::json doc = {{"parent", meta.parent}, {"rw", meta.rw}, {"size", meta.size}};
    std::string text = doc.dump() + "\n";
    std::string tmp = name + "-tmp-" + random_suffix();
    {
        int fd = ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) throw_errno(errno, "create meta/" + tmp);
        unique_fd f(fd);
        try {
            write_all(f.get(), text, "meta/" + tmp);
            if (::fsync(f.get()) != 0) throw_errno(errno, "fsync meta/" + tmp);
        } catch (...) {
            ::unlinkat(dirfd, tmp.c_str(), 0);
            throw;
        }
    }
    if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0) {
        int e = errno;
        ::unlinkat(dirfd, tmp.c_str(), 0);
        throw_errno(e, "rename meta/" + tmp);
    }
    // The rename is durable only once the directory is.
    if (::fsync(dirfd) != 0) throw_errno(errno, "fsync meta directory");
}

layer_meta read_meta(int dirfd, const std::string &name) {
    int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_errno(errno, "open meta/" + name);
    unique_fd f(fd);
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(f.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, "read meta/" + name);
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    try {
        auto doc = nlohmann::json::parse(text);
        layer_meta m;
        m.parent = doc.at("parent").get<std::string>();
        m.rw = doc.value("rw", false);
        m.size = doc.value("size", uint64_t{0});
        return m;
    } catch (const nlohmann::json::exception &e) {
        throw sdk::error(BERTH_E_IO, "btrfs: meta/" + name + " is malformed: " + e.what());
    }
}

} // namespace berth::btrfs
