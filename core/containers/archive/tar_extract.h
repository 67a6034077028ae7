// tar_extract.h — `docker cp` into a container: a tar (plain or
// compressed) extracted into one directory, the way moby's Untar does it,
// with the destination as the root of every lookup. Every entry's parent is
// opened with openat2(dest, ..., RESOLVE_IN_ROOT), so a symlink already in
// the container, or one the tar itself creates ("link -> /" and then
// "link/etc/passwd"), resolves inside the destination and never outside.
// Names that are absolute or contain ".." are refused outright, and so are
// hard links whose target is; the last element is never followed.
//
// Like moby (and unlike a layer), ".wh." names are ordinary files, missing
// parent directories are created 0755, an existing entry is replaced
// unless both are directories (then they merge), and directory times are
// set after the last entry.
#pragma once

#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include "config/id_map.h"

#include <string>

namespace berth::containers::archive {

// A tar whose content is refused (bad name, would replace a directory with
// a file under noOverwriteDirNonDir, unsupported entry type): the client's
// fault, 400. I/O failures are std::system_error.
class ExtractRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ExtractOptions {
    // moby's NoOverwriteDirNonDir: refuse to replace a directory with a
    // non-directory or the reverse.
    bool no_overwrite_dir_non_dir = false;
    // copyUIDGID: every entry owned by this uid:gid instead of the tar's.
    std::optional<std::pair<uid_t, gid_t>> owner;
    // userns-remap: owners (the tar's or `owner`) are container ids, stored
    // as the host ids they map to; an id outside the map is refused.
    config::IdMap id_map;
};

struct ExtractResult {
    uint64_t entries = 0;
};

// Read the tar from in_fd (borrowed) to its end and extract it into dest_fd
// (a directory opened O_RDONLY, borrowed). What was extracted before a
// failure stays, as with moby.
ExtractResult extract_tar(int in_fd, int dest_fd, const ExtractOptions &options = {});

} // namespace berth::containers::archive
