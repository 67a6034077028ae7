#include "fs.hpp"

#include "hash.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace conformance {

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

void throw_errno(const std::string &what, int err) {
    throw std::runtime_error(what + ": " + std::strerror(err));
}

void write_file(const std::string &path, std::string_view content, mode_t mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) throw_errno("creating " + path, errno);
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("writing " + path, errno);
        }
        done += static_cast<size_t>(n);
    }
    if (::fchmod(fd.get(), mode) != 0) throw_errno("chmod " + path, errno);
}

std::string read_file(const std::string &path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) throw_errno("opening " + path, errno);
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("reading " + path, errno);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

void make_dirs(const std::string &path, mode_t mode) {
    std::string cur;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string::npos) next = path.size();
        cur = path.substr(0, next);
        pos = next + 1;
        if (cur.empty()) continue;
        if (::mkdir(cur.c_str(), mode) == 0) {
            if (::chmod(cur.c_str(), mode) != 0) throw_errno("chmod " + cur, errno);
        } else if (errno != EEXIST) {
            throw_errno("mkdir " + cur, errno);
        }
    }
}

bool lexists(const std::string &path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> list_dir(const std::string &path) {
    DIR *d = ::opendir(path.c_str());
    if (d == nullptr) throw_errno("listing " + path, errno);
    std::vector<std::string> names;
    while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

std::string make_temp_dir(const std::string &parent, const std::string &prefix) {
    std::string tmpl = parent + "/" + prefix + "XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw_errno("mkdtemp " + tmpl, errno);
    return tmpl;
}

namespace {

bool remove_below(int dirfd, const std::string &shown, dev_t dev) {
    DIR *d = ::fdopendir(dirfd);
    if (d == nullptr) {
        ::close(dirfd);
        return false;
    }
    bool ok = true;
    std::vector<std::string> names;
    while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    for (const auto &n : names) {
        struct stat st;
        if (::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        std::string child = shown + "/" + n;
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != dev) {
                std::fprintf(stderr, "conformance: not removing %s: another file system is mounted there\n",
                             child.c_str());
                ok = false;
                continue;
            }
            int fd = ::openat(::dirfd(d), n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0 || !remove_below(fd, child, dev)) {
                ok = false;
                continue;
            }
            if (::unlinkat(::dirfd(d), n.c_str(), AT_REMOVEDIR) != 0) ok = false;
        } else if (::unlinkat(::dirfd(d), n.c_str(), 0) != 0) {
            ok = false;
        }
    }
    ::closedir(d);
    return ok;
}

} // namespace

bool remove_tree(const std::string &path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;
    if (!S_ISDIR(st.st_mode)) return ::unlink(path.c_str()) == 0;
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = remove_below(fd, path, st.st_dev);
    if (ok && ::rmdir(path.c_str()) != 0) ok = false;
    if (!ok) std::fprintf(stderr, "conformance: could not remove all of %s\n", path.c_str());
    return ok;
}

std::string random_hex(size_t nbytes) {
    std::string raw(nbytes, '\0');
    size_t done = 0;
    while (done < nbytes) {
        ssize_t n = ::getrandom(raw.data() + done, nbytes - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("getrandom", errno);
        }
        done += static_cast<size_t>(n);
    }
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

uint64_t hash_file(const std::string &path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) throw_errno("opening " + path, errno);
    Hasher h;
    std::vector<char> buf(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("reading " + path, errno);
        }
        if (n == 0) break;
        h.update(buf.data(), static_cast<size_t>(n));
    }
    return h.digest();
}

namespace {

void find_below(const std::string &dir, const std::string &name, std::vector<std::string> &out) {
    DIR *d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    std::vector<std::string> subdirs;
    while (dirent *e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        std::string child = dir + "/" + n;
        if (n == name) out.push_back(child);
        struct stat st;
        if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) subdirs.push_back(child);
    }
    ::closedir(d);
    for (const auto &s : subdirs) find_below(s, name, out);
}

} // namespace

std::vector<std::string> find_named(const std::string &root, const std::string &name) {
    std::vector<std::string> out;
    find_below(root, name, out);
    return out;
}

} // namespace conformance
