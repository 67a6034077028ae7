// disk_usage.cpp — see disk_usage.hpp. A recursive openat/fdopendir walk:
// it needs no global state (unlike nftw's callback) and so is safe on many
// threads at once.
#include "disk_usage.hpp"

#include "sys_util.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace berth::btrfs {
namespace {

struct walker {
    disk_usage_t total;
    std::set<std::pair<dev_t, ino_t>> seen; // only inodes with several links

    void count(const struct stat &st) {
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !seen.emplace(st.st_dev, st.st_ino).second) return;
        total.bytes += static_cast<int64_t>(st.st_blocks) * 512;
        total.inodes += 1;
    }

    void walk_dir(int dirfd, const std::string &path) {
        int fd = ::dup(dirfd);
        if (fd < 0) throw_errno(errno, "dup " + path);
        DIR *dir = ::fdopendir(fd);
        if (dir == nullptr) {
            int e = errno;
            ::close(fd);
            throw_errno(e, "read " + path);
        }
        struct closer {
            DIR *d;
            ~closer() { ::closedir(d); }
        } close_dir{dir};
        while (struct dirent *ent = ::readdir(dir)) {
            if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
            struct stat st{};
            if (::fstatat(dirfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT) continue;
                throw_errno(errno, "stat " + path + "/" + ent->d_name);
            }
            count(st);
            if (!S_ISDIR(st.st_mode)) continue;
            int child = ::openat(dirfd, ent->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) {
                if (errno == ENOENT) continue;
                throw_errno(errno, "open " + path + "/" + ent->d_name);
            }
            unique_fd owned(child);
            walk_dir(owned.get(), path + "/" + ent->d_name);
        }
    }
};

} // namespace

disk_usage_t disk_usage(const std::string &root) {
    unique_fd fd = open_dir_at(AT_FDCWD, root, root);
    walker w;
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) throw_errno(errno, "stat " + root);
    w.count(st);
    w.walk_dir(fd.get(), root);
    return w.total;
}

disk_usage_t paths_usage(const std::string &root, const std::vector<std::string> &paths) {
    unique_fd fd = open_dir_at(AT_FDCWD, root, root);
    walker w;
    for (const auto &p : paths) {
        size_t skip = p.find_first_not_of('/');
        std::string rel = skip == std::string::npos ? std::string(".") : p.substr(skip);
        struct stat st{};
        if (::fstatat(fd.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT) continue;
            throw_errno(errno, "stat " + root + "/" + rel);
        }
        w.count(st);
    }
    return w.total;
}

} // namespace berth::btrfs
