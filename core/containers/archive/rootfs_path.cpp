#include "containers/archive/rootfs_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

namespace berth::containers::archive {
namespace {

[[noreturn]] void fail(const std::string &what) { throw std::system_error(errno, std::generic_category(), what); }

std::vector<std::string> split_elements(std::string_view path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
        const size_t slash = path.find('/', i);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        if (end > i) out.emplace_back(path.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

// filepath.Base(p) == "." — the path names a directory's content.
bool names_current_dir(std::string_view p) {
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    const auto slash = p.rfind('/');
    return (slash == std::string_view::npos ? p : p.substr(slash + 1)) == ".";
}

} // namespace

std::string clean_abs(std::string_view path) {
    std::vector<std::string> kept;
    for (auto &e : split_elements(path)) {
        if (e == ".") continue;
        if (e == "..") {
            if (!kept.empty()) kept.pop_back(); // ".." at the root stays at the root
            continue;
        }
        kept.push_back(std::move(e));
    }
    std::string out;
    for (const auto &e : kept) out += "/" + e;
    return out.empty() ? "/" : out;
}

// moby: PreserveTrailingDotOrSeparator(filepath.Join("/", path), path).
ContainerPath parse_container_path(std::string_view path) {
    ContainerPath p;
    p.abs = clean_abs(path);
    if (!names_current_dir(p.abs) && names_current_dir(path)) {
        if (p.abs.back() != '/') p.abs += '/';
        p.abs += '.';
    }
    if (p.abs.back() != '/' && !path.empty() && path.back() == '/') p.abs += '/';
    const auto slash = p.abs.rfind('/');
    p.dir = p.abs.substr(0, slash + 1);
    p.base = p.abs.substr(slash + 1);
    return p;
}

std::string ContainerPath::display_name() const {
    std::string_view a = abs;
    while (a.size() > 1 && a.back() == '/') a.remove_suffix(1);
    if (a == "/") return "/";
    return std::string(a.substr(a.rfind('/') + 1));
}

UniqueFd open_root(const std::string &rootfs) {
    UniqueFd fd(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) fail("open rootfs " + rootfs);
    return fd;
}

UniqueFd open_in_root(int root_fd, std::string_view path, int flags) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const std::string p = path.empty() ? std::string(".") : std::string(path);
    long fd;
    do {
        fd = ::syscall(SYS_openat2, root_fd, p.c_str(), &how, sizeof how);
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR)); // EAGAIN: a rename raced the lookup
    if (fd < 0) fail("open " + p);
    return UniqueFd(static_cast<int>(fd));
}

ResolvedPath resolve_no_follow(int root_fd, const ContainerPath &path) {
    ResolvedPath r;
    r.parent = open_in_root(root_fd, path.dir, O_PATH | O_DIRECTORY);
    if (path.base.empty() || path.base == ".") {
        if (::fstat(r.parent.get(), &r.st) != 0) fail("stat " + path.abs);
        return r;
    }
    r.name = path.base;
    if (::fstatat(r.parent.get(), r.name.c_str(), &r.st, AT_SYMLINK_NOFOLLOW) != 0) fail("stat " + path.abs);
    return r;
}

std::string follow_symlinks_in_scope(int root_fd, std::string_view path) {
    std::vector<std::string> resolved; // elements, never a symlink
    std::vector<std::string> pending = split_elements(path);
    std::reverse(pending.begin(), pending.end()); // a stack: next element at the back
    int links = 0;
    while (!pending.empty()) {
        std::string e = std::move(pending.back());
        pending.pop_back();
        if (e == ".") continue;
        if (e == "..") {
            if (!resolved.empty()) resolved.pop_back();
            continue;
        }
        std::string parent;
        for (const auto &r : resolved) parent += "/" + r;
        char target[4096];
        ssize_t n = -1;
        try {
            const UniqueFd dir = open_in_root(root_fd, parent.empty() ? "/" : parent, O_PATH | O_DIRECTORY);
            n = ::readlinkat(dir.get(), e.c_str(), target, sizeof target);
        } catch (const std::system_error &) {
            n = -1; // a missing or non-directory parent: the rest is taken literally
        }
        if (n < 0) {
            resolved.push_back(std::move(e));
            continue;
        }
        if (++links > 255) throw std::system_error(ELOOP, std::generic_category(), "follow " + std::string(path));
        const std::string_view dest(target, static_cast<size_t>(n));
        if (!dest.empty() && dest.front() == '/') resolved.clear();
        auto more = split_elements(dest);
        for (auto it = more.rbegin(); it != more.rend(); ++it) pending.push_back(std::move(*it));
    }
    std::string out;
    for (const auto &r : resolved) out += "/" + r;
    return out.empty() ? "/" : out;
}

} // namespace berth::containers::archive
