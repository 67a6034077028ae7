// tree_tar.h — a tar of a file tree read through directory fds, for
// `docker cp` out of a container and `docker export`. Nothing on the way is
// followed if it is a symlink (each level is opened O_NOFOLLOW beneath the
// one before), so a container that swaps a directory for a symlink while
// the tar is written cannot make it read host files.
//
// Entries are what moby's TarWithOptions writes: PAX headers, whole-second
// mtimes, no atime/ctime, directories named with a trailing "/", a second
// name of a multiply-linked file as a hard link to the first, the
// security.capability xattr kept, sockets skipped; entries sorted by name
// within a directory (filepath.Walk's order).
#pragma once

#include "config/id_map.h"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>

namespace berth::containers::archive {

// Receives the tar bytes; may throw to stop (a client that went away).
using TarSink = std::function<void(const char *data, size_t len)>;

struct TreeTarNaming {
    // Name of the top object's own entry; nullopt leaves it out (export).
    std::optional<std::string> top;
    // Prepended to a child's path below the top: "dir/", "" or "/".
    std::string child_prefix;
};

// Regular files of the tree whose content and metadata come from another
// file, keyed by the (st_dev, st_ino) the tree shows for them: the host
// path's file is opened when its entry is written, and its stat is the
// entry's (a container's /etc/hosts is its own file, not the layers' empty
// mount point).
using FileSubstitutes = std::map<std::pair<dev_t, ino_t>, std::string>;

// Write a complete tar of the object `name` in directory `parent_fd` (""
// for parent_fd itself; a directory is written with its whole subtree) to
// sink. Throws std::system_error / std::runtime_error on failure, in which
// case no end-of-archive marker is written.
// ids: under userns-remap, host owners are written as the container ids
// they stand for.
void write_tree_tar(int parent_fd, const std::string &name, const TreeTarNaming &naming, const TarSink &sink,
                    const config::IdMap &ids = {}, const FileSubstitutes &substitutes = {});

// moby's archive naming for GET /containers/{id}/archive: the top entry is
// named base (filepath.Base of the requested path, "." for "dir/."),
// children follow it; the root "/" gives "/" and "/child".
TreeTarNaming rebase_naming(const std::string &base);

} // namespace berth::containers::archive
