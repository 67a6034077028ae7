// fs_util.cpp — see fs_util.hpp.
#include "fs_util.hpp"

#include "errors.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace berth::overlay2 {

Fd &Fd::operator=(Fd &&o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> read_file_if_exists(const fs::path &path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        fail_errno(errno, "open", path.native(), BERTH_E_IO);
    }
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_errno(errno, "read", path.native(), BERTH_E_IO);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string read_file(const fs::path &path) {
    auto content = read_file_if_exists(path);
    if (!content) fail_errno(ENOENT, "read", path.native(), BERTH_E_IO);
    return *content;
}

static void write_all(int fd, std::string_view content, const fs::path &path) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_errno(errno, "write", path.native(), BERTH_E_IO);
        }
        content.remove_prefix(static_cast<size_t>(n));
    }
}

void write_new_file(const fs::path &path, std::string_view content, bool sync, mode_t mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd) fail_errno(errno, "create", path.native(), BERTH_E_IO);
    if (::fchmod(fd.get(), mode) != 0) fail_errno(errno, "chmod", path.native(), BERTH_E_IO);
    write_all(fd.get(), content, path);
    if (sync && ::fsync(fd.get()) != 0) fail_errno(errno, "fsync", path.native(), BERTH_E_IO);
}

void fsync_dir(const fs::path &dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) fail_errno(errno, "open", dir.native(), BERTH_E_IO);
    if (::fsync(fd.get()) != 0) fail_errno(errno, "fsync", dir.native(), BERTH_E_IO);
}

void make_dir(const fs::path &path, mode_t mode, bool exist_ok) {
    if (::mkdir(path.c_str(), mode) != 0) {
        if (!(exist_ok && errno == EEXIST)) fail_errno(errno, "mkdir", path.native(), BERTH_E_IO);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            fail_errno(ENOTDIR, "mkdir", path.native(), BERTH_E_IO);
        return; // an existing directory keeps the mode it has
    }
    if (::chmod(path.c_str(), mode) != 0) fail_errno(errno, "chmod", path.native(), BERTH_E_IO);
}

std::string random_link_name() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    constexpr unsigned n = sizeof alphabet - 1; // 36
    constexpr unsigned limit = 256 - 256 % n;   // reject above this: no modulo bias
    std::string out;
    unsigned char buf[64];
    while (out.size() < 26) {
        ssize_t got = ::getrandom(buf, sizeof buf, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            fail_errno(errno, "getrandom", "", BERTH_E_INTERNAL);
        }
        for (ssize_t i = 0; i < got && out.size() < 26; ++i)
            if (buf[i] < limit) out.push_back(alphabet[buf[i] % n]);
    }
    return out;
}

fs::path make_temp_dir(const fs::path &stem, mode_t mode) {
    std::string tmpl = stem.native() + "-tmp-XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) fail_errno(errno, "mkdtemp", tmpl, BERTH_E_IO);
    fs::path dir(name.data());
    if (::chmod(dir.c_str(), mode) != 0) {
        int err = errno;
        ::rmdir(dir.c_str());
        fail_errno(err, "chmod", dir.native(), BERTH_E_IO);
    }
    return dir;
}

} // namespace berth::overlay2
