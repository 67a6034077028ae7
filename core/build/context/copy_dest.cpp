// copy_dest.cpp — COPY/ADD destinations, as moby's normalizeDest does.
#include "build/context/copy_dest.h"

#include "build/context/path_clean.h"
#include "containers/archive/rootfs_path.h"

#include <fcntl.h>

#include <cerrno>
#include <system_error>

namespace berth::build {

CopyDest normalize_dest(const std::string &dest, const std::string &workdir) {
    CopyDest d;
    d.ends_in_slash = !dest.empty() && dest.back() == '/';
    std::string joined = dest;
    if (dest.empty() || dest.front() != '/') joined = "/" + (workdir.empty() ? std::string("/") : workdir) + "/" + dest;
    d.abs = clean_path(joined);
    return d;
}

namespace {

bool opens(int root_fd, const std::string &rel, int flags) {
    try {
        containers::archive::open_in_root(root_fd, rel.empty() ? "." : rel, flags);
        return true;
    } catch (const std::system_error &e) {
        const int err = e.code().value();
        if (err == ENOENT || err == ENOTDIR || err == ELOOP) return false;
        throw;
    }
}

} // namespace

bool exists_in_root(int root_fd, const std::string &rel) { return opens(root_fd, rel, O_PATH); }

bool is_dir_in_root(int root_fd, const std::string &rel) { return opens(root_fd, rel, O_PATH | O_DIRECTORY); }

std::string parent_of(const std::string &rel) {
    const size_t slash = rel.rfind('/');
    return slash == std::string::npos ? "" : rel.substr(0, slash);
}

} // namespace berth::build
