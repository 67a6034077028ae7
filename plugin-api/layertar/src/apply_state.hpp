// apply_state.hpp — what one apply() remembers while it walks the tar;
// shared by extract.cpp (entries) and whiteouts.cpp (deletions).
#pragma once

#include "internal.hpp"

#include <archive_entry.h>

#include <unordered_map>
#include <unordered_set>

namespace berth::layertar::detail {

// A directory whose mode and times are set after the last entry: creating
// children would bump the mtime again, and a read-only mode could block
// them for an unprivileged caller.
struct PendingDir {
    std::string path;
    DevIno id;
    mode_t mode;
    struct timespec times[2];
};

struct ApplyState {
    int root_fd = -1;
    ApplyOptions options;
    bool chown = false; // preserve_ownership and running as root
    // Owner of the directories a tar implies without listing them: the
    // container's root under an id map (when chowning), else the caller.
    bool own_implied = false;
    Owner implied_owner{0, 0};
    ApplyResult result;
    // Paths this apply extracted, and every directory above one of them: an
    // opaque marker (remove style) keeps exactly these.
    std::unordered_set<std::string> extracted;
    std::unordered_set<std::string> above_extracted;
    // Non-directory inodes this apply created: the only legal hard link
    // targets.
    std::unordered_set<DevIno, DevInoHash> created;
    std::vector<PendingDir> dirs;
    std::unordered_map<std::string, size_t> dir_index;

    void mark_extracted(const std::vector<std::string> &components);

    // The directory that receives the entry `components`, resolved inside
    // the root (missing directories are made), borrowed until the next
    // call. Tars list a directory's files together, so the last one is
    // kept open for the next entry.
    int parent_fd(const std::vector<std::string> &components, const std::string &entry);
    // Removes `name` in dirfd (see remove_at). Only a removal can make a
    // kept resolution stale (a path's directories can change only by first
    // deleting what was there), so this is also where the kept directory
    // is dropped; dirfd itself stays usable for the current entry.
    void remove(int dirfd, const std::string &name, const std::string &display);
    void forget_parent() noexcept { parent_valid = false; }
    // The owner for open_parent_in_root: nullptr leaves implied directories
    // to the caller.
    const Owner *implied() const noexcept { return own_implied ? &implied_owner : nullptr; }

private:
    UniqueFd parent;
    std::string parent_path;
    bool parent_valid = false;
};

// Handles a member whose last component starts with ".wh.". `components`
// are the member's checked components, `owner` its host owner (for an
// overlay whiteout device).
void apply_whiteout(ApplyState &state, const std::vector<std::string> &components, const Owner &owner);

} // namespace berth::layertar::detail
