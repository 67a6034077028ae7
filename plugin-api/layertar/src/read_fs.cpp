// read_fs.cpp — reading directories and symlinks by dirfd and name.
#include "internal.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>

namespace berth::layertar::detail {

std::vector<DirChild> list_dir(int dirfd, const std::string &display) {
    // A fresh open file description: readdir must not move the offset of
    // a dirfd the caller keeps using.
    int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open directory '" + display + "'");
    DIR *dir = ::fdopendir(fd);
    if (dir == nullptr) {
        int err = errno;
        ::close(fd);
        fail_errno(err, "open directory '" + display + "'");
    }
    struct Closer {
        DIR *d;
        ~Closer() { ::closedir(d); }
    } closer{dir};
    std::vector<DirChild> out;
    for (;;) {
        errno = 0;
        struct dirent *de = ::readdir(dir);
        if (de == nullptr) {
            if (errno != 0) fail_errno(errno, "read directory '" + display + "'");
            break;
        }
        if (std::string_view name = de->d_name; name == "." || name == "..") continue;
        DirChild child;
        child.name = de->d_name;
        if (::fstatat(dirfd, child.name.c_str(), &child.st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) continue; // removed while we read
            fail_errno(errno, "stat '" + display + "/" + child.name + "'");
        }
        out.push_back(std::move(child));
    }
    std::sort(out.begin(), out.end(), [](const DirChild &a, const DirChild &b) { return a.name < b.name; });
    return out;
}

UniqueFd open_root(const std::filesystem::path &path, const char *what) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, std::string("open ") + what + " '" + path.string() + "'");
    return UniqueFd(fd);
}

UniqueFd open_subdir(int dirfd, const std::string &name, const std::string &path) {
    int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "open directory '" + path + "'");
    return UniqueFd(fd);
}

std::string read_link(int dirfd, const std::string &name) {
    std::string out(256, '\0');
    for (;;) {
        ssize_t n = ::readlinkat(dirfd, name.c_str(), out.data(), out.size());
        if (n < 0) fail_errno(errno, "readlink '" + name + "'");
        if (static_cast<size_t>(n) < out.size()) {
            out.resize(static_cast<size_t>(n));
            return out;
        }
        out.resize(out.size() * 2); // possibly truncated: retry larger
    }
}

} // namespace berth::layertar::detail
