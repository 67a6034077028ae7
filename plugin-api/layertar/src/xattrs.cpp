// xattrs.cpp — reading extended attributes without following symlinks.
#include "internal.hpp"

#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

namespace berth::layertar::detail {
namespace {

// The whole listxattr/getxattr size dance, once: ask for the size, then
// read, and start over when the value grew in between (ERANGE). False when
// the attribute is absent or the file system has no xattrs at all.
template <class Call>
bool read_sized(Call call, std::string &out, const std::string &what) {
    for (;;) {
        ssize_t size = call(nullptr, 0);
        if (size < 0) {
            if (errno == ENODATA || errno == ENOTSUP) return false;
            fail_errno(errno, what);
        }
        out.resize(static_cast<size_t>(size));
        if (size == 0) return true;
        ssize_t got = call(out.data(), out.size());
        if (got >= 0) {
            out.resize(static_cast<size_t>(got));
            return true;
        }
        if (errno == ENODATA || errno == ENOTSUP) return false;
        if (errno != ERANGE) fail_errno(errno, what);
    }
}

} // namespace

std::vector<Xattr> read_xattrs(int fd, int dirfd, const std::string &name) {
    std::string path = fd >= 0 ? std::string() : proc_fd_path(dirfd, name);
    std::string names;
    if (!read_sized(
            [&](char *buf, size_t size) {
                return fd >= 0 ? ::flistxattr(fd, buf, size) : ::llistxattr(path.c_str(), buf, size);
            },
            names, "list xattrs of '" + name + "'"))
        return {};
    std::vector<Xattr> out;
    for (size_t pos = 0; pos < names.size();) {
        size_t end = names.find('\0', pos);
        if (end == std::string::npos) end = names.size();
        std::string key = names.substr(pos, end - pos);
        pos = end + 1;
        if (key.empty() || is_overlay_xattr(key)) continue;
        std::string value;
        bool present = read_sized(
            [&](char *buf, size_t size) {
                return fd >= 0 ? ::fgetxattr(fd, key.c_str(), buf, size)
                               : ::lgetxattr(path.c_str(), key.c_str(), buf, size);
            },
            value, "read xattr " + key + " of '" + name + "'");
        if (present) out.push_back({std::move(key), std::move(value)});
    }
    std::sort(out.begin(), out.end(), [](const Xattr &a, const Xattr &b) { return a.name < b.name; });
    return out;
}

bool get_xattr(int dirfd, const std::string &name, const char *xattr, std::string &value) {
    std::string path = proc_fd_path(dirfd, name);
    return read_sized([&](char *buf, size_t size) { return ::lgetxattr(path.c_str(), xattr, buf, size); }, value,
                      std::string("read xattr ") + xattr + " of '" + name + "'");
}

} // namespace berth::layertar::detail
