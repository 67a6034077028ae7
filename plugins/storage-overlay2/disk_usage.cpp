// disk_usage.cpp — see disk_usage.hpp. An explicit stack of directory fds
// (openat relative to the parent) rather than recursion or path strings:
// deep trees neither blow the stack nor hit PATH_MAX.
#include "disk_usage.hpp"

#include "errors.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <utility>
#include <vector>

namespace berth::overlay2 {

DiskUsage disk_usage(const std::filesystem::path &root) {
    DiskUsage out;
    std::set<std::pair<dev_t, ino_t>> seen; // hard links: count an inode once

    const int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root_fd < 0) fail_errno(errno, "open", root.native(), BERTH_E_IO);
    struct stat root_st {};
    if (::fstat(root_fd, &root_st) != 0) {
        ::close(root_fd);
        fail_errno(errno, "stat", root.native(), BERTH_E_IO);
    }
    out.bytes += static_cast<int64_t>(root_st.st_blocks) * 512;
    out.inodes += 1;

    std::vector<DIR *> stack;
    auto close_all = [&] {
        for (DIR *d : stack) ::closedir(d);
        stack.clear();
    };
    DIR *top = ::fdopendir(root_fd);
    if (top == nullptr) {
        ::close(root_fd);
        fail_errno(errno, "opendir", root.native(), BERTH_E_IO);
    }
    stack.push_back(top);
    try {
        while (!stack.empty()) {
            DIR *d = stack.back();
            errno = 0;
            const dirent *e = ::readdir(d);
            if (e == nullptr) {
                if (errno != 0) fail_errno(errno, "readdir below", root.native(), BERTH_E_IO);
                ::closedir(d);
                stack.pop_back();
                continue;
            }
            const std::string_view name(e->d_name);
            if (name == "." || name == "..") continue;
            struct stat st {};
            if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT) continue; // removed while we walk
                fail_errno(errno, "stat below", root.native(), BERTH_E_IO);
            }
            if (st.st_dev != root_st.st_dev) continue; // another mount
            if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second)
                continue;
            out.bytes += static_cast<int64_t>(st.st_blocks) * 512;
            out.inodes += 1;
            if (S_ISDIR(st.st_mode)) {
                const int fd = ::openat(::dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                    if (errno == ENOENT) continue;
                    fail_errno(errno, "open below", root.native(), BERTH_E_IO);
                }
                DIR *child = ::fdopendir(fd);
                if (child == nullptr) {
                    ::close(fd);
                    fail_errno(errno, "opendir below", root.native(), BERTH_E_IO);
                }
                stack.push_back(child);
            }
        }
    } catch (...) {
        close_all();
        throw;
    }
    return out;
}

} // namespace berth::overlay2
