// rootfs_path.h — paths inside a container's root filesystem. moby resolves
// them in user space (FollowSymlinkInScope); here the kernel does it:
// openat2 with RESOLVE_IN_ROOT treats the rootfs as "/" for every symlink on
// the way, so a container's "/evil -> /" or "-> ../../../host" can never
// lead a read or a write outside it, even if the container swaps a directory
// for a symlink while we work.
#pragma once

#include "images/unique_fd.h"

#include <sys/stat.h>

#include <string>
#include <string_view>

namespace berth::containers::archive {

using images::UniqueFd;

// A path as `docker cp` gives it, made absolute and cleaned the way moby's
// ResolvePath does, keeping what the cleaning would lose: a trailing "/"
// (follow the last element) or "/." (the directory's content).
struct ContainerPath {
    std::string abs;  // "/a/b/", "/a/.", "/"
    std::string dir;  // everything up to the last "/": "/a/b/", "/a/", "/"
    std::string base; // the last element: "", ".", or a name
    // filepath.Base(abs): "b", ".", or "/" for the root.
    std::string display_name() const;
};
ContainerPath parse_container_path(std::string_view path);

// Go's path.Clean of an absolute path ("/a/../b/" -> "/b").
std::string clean_abs(std::string_view path);

// The rootfs directory, opened once; everything else is opened beneath it.
UniqueFd open_root(const std::string &rootfs);

// openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
// An absolute path starts at root_fd. Throws std::system_error with errno
// (ENOENT and ENOTDIR are "no such path" to the callers).
UniqueFd open_in_root(int root_fd, std::string_view path, int flags);

// What moby's ResolvePath + Lstat find for a ContainerPath: the parent
// directory (symlinks followed in scope) and the last element, NOT followed
// unless the path ends in "/" or "/.".
struct ResolvedPath {
    UniqueFd parent;  // O_PATH directory fd
    std::string name; // entry in parent; "" when parent itself is the object
    struct stat st {};
    bool is_dir() const { return S_ISDIR(st.st_mode); }
};
ResolvedPath resolve_no_follow(int root_fd, const ContainerPath &path);

// moby's FollowSymlinkInScope, lexically: the container path `path` leads
// to, following every symlink with the rootfs as "/". Missing elements are
// taken as they are (a dangling link still has a target). For the stat's
// linkTarget; never used to open anything.
std::string follow_symlinks_in_scope(int root_fd, std::string_view path);

} // namespace berth::containers::archive
