// tree_remove.cpp — recursive removal beneath a directory fd.
#include "build/context/tree_remove.h"

#include "images/unique_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace berth::build {

std::vector<std::string> list_dir(int dir_fd) {
    const int dup_fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup_fd < 0) throw std::system_error(errno, std::generic_category(), "open directory");
    DIR *d = ::fdopendir(dup_fd);
    if (d == nullptr) {
        const int err = errno;
        ::close(dup_fd);
        throw std::system_error(err, std::generic_category(), "opendir");
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) throw std::system_error(err, std::generic_category(), "readdir");
    std::sort(names.begin(), names.end());
    return names;
}

void remove_entry_at(int dir_fd, const std::string &name, const std::string &shown) {
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) throw std::system_error(errno, std::generic_category(), "remove " + shown);
    images::UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) throw std::system_error(errno, std::generic_category(), "open " + shown);
    for (const auto &child : list_dir(sub.get())) remove_entry_at(sub.get(), child, shown + "/" + child);
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        throw std::system_error(errno, std::generic_category(), "remove " + shown);
}

} // namespace berth::build
