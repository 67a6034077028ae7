// copy_dest.h — where COPY/ADD write: the dest made absolute against the
// WORKDIR (keeping a trailing "/", which makes it a directory), and what
// already exists at it in the container's rootfs (looked up with the
// rootfs as "/", so symlinks there are followed in scope, as Docker does).
#pragma once

#include <string>

namespace berth::build {

struct CopyDest {
    std::string abs;          // cleaned absolute path: "/app/x", "/"
    bool ends_in_slash = false;
    // abs relative to "/", as tar entries are named: "app/x", "" for "/".
    std::string rel() const { return abs == "/" ? "" : abs.substr(1); }
};

CopyDest normalize_dest(const std::string &dest, const std::string &workdir);

// Whether rel ("" = the root) exists in the rootfs (borrowed root_fd), and
// whether it is a directory there, symlinks followed in scope.
bool exists_in_root(int root_fd, const std::string &rel);
bool is_dir_in_root(int root_fd, const std::string &rel);

// "a/b/c" -> "a/b"; "a" -> "".
std::string parent_of(const std::string &rel);

} // namespace berth::build
