// copy_plan.h — what COPY and ADD put into an image, as a tar ready to be
// extracted at the container's "/" (containers/archive/tar_extract.h), plus
// the checksum the build cache keys on. Docker's rules:
//   - sources are relative to the source root (the context, or another
//     stage's / image's rootfs for --from) and may be globs (Go's
//     filepath.Match per element); a source that matches nothing is an
//     error "COPY failed: file not found in build context or excluded by
//     .dockerignore: stat x: file does not exist" (for --from: "...: no
//     such file or directory"); ".." cannot leave the root; symlinks inside
//     the sources are copied as symlinks, a symlink named as a source is
//     followed within the root;
//   - dest is relative to the WORKDIR unless absolute; it is a directory
//     when it ends in "/" or when there are several sources (then it must
//     end in "/": "When using COPY with more than one source file, the
//     destination must be a directory and end with a /");
//   - a file source goes to dest/<basename> when dest is a directory
//     (ending in "/" or already a directory in the image), else to dest;
//   - a directory source's *contents* go into dest (the directory itself is
//     not recreated under its own name); missing parents are created 0755;
//   - owner: --chown's uid:gid, else 0:0 (not the context's owners);
//     --chmod (octal) sets the mode of every copied file and directory;
//   - ADD: a local source that is a tar (plain, gzip, bzip2 or xz) is
//     unpacked into dest (a directory) keeping the archive's owners and
//     modes, instead of being copied; remote URLs are not supported
//     (std::invalid_argument "ADD from a URL is not supported").
#pragma once

#include "images/unique_fd.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace berth::build {

// A COPY/ADD the build cannot do; what() is shown to the client as is.
class CopyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CopyRequest {
    std::vector<std::string> sources; // expanded, as written ("src/", "*.txt", "/a")
    std::string dest;                 // expanded, as written
    std::string workdir = "/";        // the image's WorkingDir ("" = "/")
    std::optional<std::pair<uid_t, gid_t>> chown; // resolved by the caller
    std::optional<mode_t> chmod;
    bool add = false;               // ADD semantics (archives unpacked)
    bool from_context = true;       // error wording: context vs --from rootfs
    std::string instruction = "COPY"; // for messages: "COPY" or "ADD"
};

struct CopyPlan {
    // The tar (uncompressed), entries named relative to "/" ("app/x.txt",
    // "app/" for directories), rewound to offset 0.
    images::UniqueFd tar;
    // Content checksum for the cache: changes when any copied byte, name,
    // mode, owner or link target changes, not when only mtimes do.
    // "file:<hex>" for one file source, "dir:<hex>" for one directory,
    // "multi:<hex>" otherwise (Docker's created_by wording).
    std::string checksum;
};

// source_root_fd: the directory sources are resolved in (borrowed).
// dest_root_fd: the container's rootfs (borrowed; only looked at, to tell
// whether dest already is a directory). scratch_dir: where the unlinked
// temporary tar file lives (O_TMPFILE). Throws CopyError for the user's
// mistakes, std::system_error for I/O failures.
CopyPlan plan_copy(int source_root_fd, int dest_root_fd, const CopyRequest &request, const std::string &scratch_dir);

// The same checksum plan_copy returns, without writing the tar or looking
// at the destination: the cache lookup runs before any container exists.
// Throws as plan_copy does for sources that do not exist.
std::string copy_checksum(int source_root_fd, const CopyRequest &request);

} // namespace berth::build
