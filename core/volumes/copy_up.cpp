#include "volumes/copy_up.h"

#include "volumes/errors.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace berth::volumes {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string &what, const fs::path &p, int err) {
    throw InternalError("copy up: " + what + " " + p.string() + ": " + std::strerror(err));
}

// Errors that mean "this filesystem or this process cannot keep that
// attribute", which copy-up tolerates (Docker does the same).
bool unsupported(int err) { return err == ENOTSUP || err == EOPNOTSUPP || err == EPERM || err == EACCES; }

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

void copy_xattrs(const fs::path &src, const fs::path &dst) {
    ssize_t len = ::llistxattr(src.c_str(), nullptr, 0);
    if (len <= 0) return; // none, or the filesystem has no xattrs
    std::vector<char> names(size_t(len) + 1);
    len = ::llistxattr(src.c_str(), names.data(), names.size());
    if (len <= 0) return;
    for (const char *name = names.data(); name < names.data() + len; name += std::strlen(name) + 1) {
        ssize_t vlen = ::lgetxattr(src.c_str(), name, nullptr, 0);
        if (vlen < 0) continue;
        std::vector<char> value(size_t(vlen) + 1);
        vlen = ::lgetxattr(src.c_str(), name, value.data(), value.size());
        if (vlen < 0) continue;
        if (::lsetxattr(dst.c_str(), name, value.data(), size_t(vlen), 0) != 0 && !unsupported(errno))
            fail("setxattr " + std::string(name), dst, errno);
    }
}

// Owner, then mode (chown clears set-id bits), then xattrs.
void copy_attributes(const struct stat &st, const fs::path &src, const fs::path &dst) {
    if (::lchown(dst.c_str(), st.st_uid, st.st_gid) != 0 && !unsupported(errno)) fail("chown", dst, errno);
    if (!S_ISLNK(st.st_mode) && ::chmod(dst.c_str(), st.st_mode & 07777) != 0) fail("chmod", dst, errno);
    copy_xattrs(src, dst);
}

void copy_times(const struct stat &st, const fs::path &dst) {
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0 && !unsupported(errno))
        fail("set times of", dst, errno);
}

void copy_file_data(const fs::path &src, const fs::path &dst, const struct stat &st) {
    Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (in.get() < 0) fail("open", src, errno);
    Fd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (out.get() < 0) fail("create", dst, errno);
    off_t left = st.st_size;
    while (left > 0) {
        // copy_file_range shares extents where the filesystem can (reflinks).
        ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, size_t(left), 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
            n = ::sendfile(out.get(), in.get(), nullptr, size_t(left));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("copy", src, errno);
        }
        if (n == 0) break; // the file shrank while we copied it
        left -= n;
    }
}

struct Copier {
    // Hard links: the first path copied for each (device, inode) of a file
    // with several links; later names become links to it.
    std::map<std::pair<dev_t, ino_t>, fs::path> linked;

    void copy_dir_contents(const fs::path &src, const fs::path &dst) {
        std::error_code ec;
        for (fs::directory_iterator it(src, ec), end; !ec && it != end; it.increment(ec))
            copy_entry(it->path(), dst / it->path().filename());
        if (ec) fail("read directory", src, ec.value());
    }

    void copy_entry(const fs::path &src, const fs::path &dst) {
        struct stat st{};
        if (::lstat(src.c_str(), &st) != 0) fail("stat", src, errno);
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            auto [it, fresh] = linked.try_emplace({st.st_dev, st.st_ino}, dst);
            if (!fresh) {
                if (::link(it->second.c_str(), dst.c_str()) != 0) fail("link", dst, errno);
                return;
            }
        }
        switch (st.st_mode & S_IFMT) {
        case S_IFDIR:
            if (::mkdir(dst.c_str(), 0700) != 0) fail("mkdir", dst, errno);
            copy_dir_contents(src, dst);
            break;
        case S_IFREG:
            copy_file_data(src, dst, st);
            break;
        case S_IFLNK: {
            std::error_code ec;
            const auto target = fs::read_symlink(src, ec);
            if (ec) fail("readlink", src, ec.value());
            if (::symlink(target.c_str(), dst.c_str()) != 0) fail("symlink", dst, errno);
            break;
        }
        case S_IFIFO:
        case S_IFCHR:
        case S_IFBLK:
            if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) {
                if (unsupported(errno)) return; // device nodes need CAP_MKNOD
                fail("mknod", dst, errno);
            }
            break;
        default:
            return; // sockets belong to a process that is not coming along
        }
        copy_attributes(st, src, dst);
        copy_times(st, dst); // after the children: adding them touched mtime
    }
};

} // namespace

bool copy_up(const fs::path &src_dir, const fs::path &volume_path) {
    struct stat src_st{};
    if (::stat(src_dir.c_str(), &src_st) != 0 || !S_ISDIR(src_st.st_mode)) return false;
    std::error_code ec;
    if (!fs::is_empty(volume_path, ec) || ec) return false;
    Copier copier;
    copier.copy_dir_contents(src_dir, volume_path);
    copy_attributes(src_st, src_dir, volume_path);
    return true;
}

} // namespace berth::volumes
