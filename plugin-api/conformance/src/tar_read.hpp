// tar_read.hpp — read a driver's diff with libarchive and describe every
// entry, so a case can check names, whiteouts and metadata against what it
// wrote into the layer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace conformance {

struct TarItem {
    std::string raw_path; // as stored
    std::string path;     // normalised: no leading "./" or "/", no trailing "/"; "" = the root
    mode_t type = 0;      // S_IFREG, S_IFDIR, ... (a hard link: S_IFREG with hardlink set)
    unsigned mode = 0;    // permission bits incl. setuid/setgid/sticky
    uid_t uid = 0;
    gid_t gid = 0;
    int64_t size = 0;     // apparent size of a regular file
    std::string symlink;  // target of a symlink
    std::string hardlink; // normalised name of the hard-link target, "" if none
    std::map<std::string, std::string> xattrs;
    uint64_t hash = 0;    // content fingerprint (holes of a sparse entry = zeros)
    int sparse_regions = 0;
};

// Throws std::runtime_error if the file is not a readable tar.
std::vector<TarItem> read_tar(const std::string &path);

std::string normalize_entry_name(const std::string &name);
const TarItem *find_item(const std::vector<TarItem> &items, const std::string &path);

} // namespace conformance
