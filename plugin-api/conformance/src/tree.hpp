// tree.hpp — a snapshot of a directory tree as a layer's mounted root shows
// it, and a comparison that names every difference. Symlinks are never
// followed, so a hostile layer cannot lead the kit outside it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace conformance {

struct Node {
    mode_t type = 0;   // S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, ...
    unsigned mode = 0; // permission bits incl. setuid/setgid/sticky
    uid_t uid = 0;
    gid_t gid = 0;
    int64_t size = 0;
    uint64_t hash = 0;  // regular files only
    std::string target; // symlinks only
    std::map<std::string, std::string> xattrs; // minus security.selinux (labels differ by mount)
    ino_t ino = 0;
    dev_t rdev = 0; // devices: a 0/0 char device is overlayfs' whiteout form
    nlink_t nlink = 0;
    int64_t allocated = 0; // st_blocks * 512
};

// Keys are absolute inside the tree ("/etc/keep"); the root itself is not
// in the map. with_content=false skips hashing (listing only).
using Tree = std::map<std::string, Node>;
Tree snapshot(const std::string &root, bool with_content = true);

const char *type_name(mode_t type);

// Every difference between two trees, e.g.
// "/rt/setuid: mode 04755 in layer L, 0755 in layer C". Inode numbers are
// not compared (they differ between layers by nature); hard-link identity
// is checked by the cases that care.
std::vector<std::string> compare_trees(const Tree &a, const std::string &a_name, const Tree &b,
                                       const std::string &b_name);

} // namespace conformance
