// changes_overlay.cpp — the overlayfs differ: an upper dir already holds
// exactly what changed; the lower dirs only tell added from modified.
//
// Lower dirs are layer diffs themselves, so they are read with overlay's own
// rules: a whiteout in a lower hides that path in every lower below it, an
// opaque directory hides the lowers' copies of its whole subtree, and a
// non-directory hides a directory of the same name further down.
#include "internal.hpp"

#include <fcntl.h>

#include <cerrno>

namespace berth::layertar {
namespace {

using namespace detail;

bool is_opaque(int dirfd, const std::string &name) {
    std::string value;
    return get_xattr(dirfd, name, "trusted.overlay.opaque", value) && value == "y";
}

struct Frame {
    UniqueFd upper;
    // One per lower, top-most first; empty where that lower has no such
    // directory or an upper lower hides it.
    std::vector<UniqueFd> lowers;
    std::vector<DirChild> children;
    size_t next = 0;
    std::string path;
    size_t mark = 0;
    bool reported = false;
};

// The index of the lower whose entry `name` the merged view shows, or -1.
int find_in_lowers(const std::vector<UniqueFd> &lowers, const std::string &name, const std::string &path,
                   struct stat &st) {
    for (size_t i = 0; i < lowers.size(); ++i) {
        if (!lowers[i]) continue;
        if (::fstatat(lowers[i].get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
            return is_whiteout_device(st) ? -1 : static_cast<int>(i);
        if (errno != ENOENT) fail_errno(errno, "stat '" + path + "' in a lower layer");
    }
    return -1;
}

// The lowers' directories that merge into the upper directory `name`.
std::vector<UniqueFd> lower_subdirs(const std::vector<UniqueFd> &lowers, const std::string &name,
                                    const std::string &path) {
    std::vector<UniqueFd> out(lowers.size());
    for (size_t i = 0; i < lowers.size(); ++i) {
        if (!lowers[i]) continue;
        struct stat st;
        if (::fstatat(lowers[i].get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) continue;
            fail_errno(errno, "stat '" + path + "' in a lower layer");
        }
        if (!S_ISDIR(st.st_mode)) break; // a whiteout or a file hides the rest
        out[i] = open_subdir(lowers[i].get(), name, path);
        if (is_opaque(lowers[i].get(), name)) break;
    }
    return out;
}

} // namespace

std::vector<Change> changes_overlay(const std::filesystem::path &upper,
                                    const std::vector<std::filesystem::path> &lowers) {
    ChangeList changes;
    std::vector<Frame> stack;

    auto enter = [&](UniqueFd upper_fd, std::vector<UniqueFd> lower_fds, std::string path, bool reported) {
        Frame frame;
        frame.upper = std::move(upper_fd);
        frame.lowers = std::move(lower_fds);
        frame.children = list_dir(frame.upper.get(), path.empty() ? "/" : path);
        frame.path = std::move(path);
        frame.mark = changes.mark();
        frame.reported = reported;
        stack.push_back(std::move(frame));
    };

    std::vector<UniqueFd> lower_roots;
    for (const auto &lower : lowers) lower_roots.push_back(open_root(lower, "lower layer"));
    enter(open_root(upper, "upper layer"), std::move(lower_roots), "", true);
    while (!stack.empty()) {
        Frame &frame = stack.back();
        if (frame.next == frame.children.size()) {
            changes.leave(frame.path, frame.mark, frame.reported);
            stack.pop_back();
            continue;
        }
        DirChild child = frame.children[frame.next++];
        std::string path = frame.path + "/" + child.name;
        if (is_whiteout_device(child.st)) {
            changes.add(path, Change::deleted);
            continue;
        }
        struct stat old;
        int lower = find_in_lowers(frame.lowers, child.name, path, old);
        bool in_lower = lower >= 0;
        bool dir = S_ISDIR(child.st.st_mode);
        bool opaque = dir && is_opaque(frame.upper.get(), child.name);
        // A directory is in the upper dir whenever anything below it
        // changed; unchanged itself, it is reported only if it holds a
        // change (ChangeList::leave).
        bool reported = true;
        if (dir && in_lower && S_ISDIR(old.st_mode) && !opaque && child.st.st_mode == old.st_mode &&
            child.st.st_uid == old.st_uid && child.st.st_gid == old.st_gid && same_mtime(child.st, old) &&
            same_xattrs(frame.upper.get(), frame.lowers[static_cast<size_t>(lower)].get(), child.name))
            reported = false;
        if (reported) changes.add(path, in_lower ? Change::modified : Change::added, opaque);
        if (!dir) continue;
        UniqueFd upper_dir = open_subdir(frame.upper.get(), child.name, path);
        std::vector<UniqueFd> lower_dirs =
            opaque ? std::vector<UniqueFd>(frame.lowers.size()) : lower_subdirs(frame.lowers, child.name, path);
        enter(std::move(upper_dir), std::move(lower_dirs), std::move(path), reported);
    }
    return changes.take();
}

} // namespace berth::layertar
