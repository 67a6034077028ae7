// changes_between.cpp — the naive differ: walk a layer and its parent side
// by side (btrfs snapshots, plain copies).
//
// Iterative, one fd pair per level of depth, never following a symlink:
// the layer is a container's root file system and holds whatever the
// container put there.
#include "internal.hpp"

#include <fcntl.h>

#include <cerrno>

namespace berth::layertar {
namespace {

using namespace detail;

// Type, mode, owner, device number, symlink target and xattrs always; size
// and mtime only for non-directories (docker's rule: a directory's size is
// the file system's business, and its mtime moves with every child, which
// the children themselves report).
bool differs(int layer_dir, int parent_dir, const DirChild &child, const struct stat &old) {
    const struct stat &st = child.st;
    if (st.st_mode != old.st_mode || st.st_uid != old.st_uid || st.st_gid != old.st_gid) return true;
    if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && st.st_rdev != old.st_rdev) return true;
    if (!S_ISDIR(st.st_mode) && (st.st_size != old.st_size || !same_mtime(st, old))) return true;
    if (S_ISLNK(st.st_mode) && read_link(layer_dir, child.name) != read_link(parent_dir, child.name)) return true;
    return !same_xattrs(layer_dir, parent_dir, child.name);
}

struct Frame {
    UniqueFd layer;
    UniqueFd parent; // empty: the parent has no such directory
    std::vector<DirChild> children;
    size_t next = 0;
    std::string path; // "" for the root, else "/a/b"
    size_t mark = 0;
    bool reported = false;
};

} // namespace

std::vector<Change> changes_between(const std::filesystem::path &layer, const std::filesystem::path &parent) {
    ChangeList changes;
    std::vector<Frame> stack;

    auto enter = [&](UniqueFd layer_fd, UniqueFd parent_fd, std::string path, bool reported) {
        Frame frame;
        frame.layer = std::move(layer_fd);
        frame.parent = std::move(parent_fd);
        frame.children = list_dir(frame.layer.get(), path.empty() ? "/" : path);
        frame.path = std::move(path);
        frame.mark = changes.mark();
        frame.reported = reported;
        if (frame.parent) {
            // Deleted: in the parent, not in the layer. Both lists are
            // sorted by name; a deleted directory is one change.
            std::vector<DirChild> old = list_dir(frame.parent.get(), frame.path.empty() ? "/" : frame.path);
            auto it = frame.children.begin();
            for (const DirChild &o : old) {
                while (it != frame.children.end() && it->name < o.name) ++it;
                if (it == frame.children.end() || it->name != o.name)
                    changes.add(frame.path + "/" + o.name, Change::deleted);
            }
        }
        stack.push_back(std::move(frame));
    };

    enter(open_root(layer, "layer"), parent.empty() ? UniqueFd() : open_root(parent, "parent layer"), "", true);
    while (!stack.empty()) {
        Frame &frame = stack.back();
        if (frame.next == frame.children.size()) {
            changes.leave(frame.path, frame.mark, frame.reported);
            stack.pop_back();
            continue;
        }
        DirChild child = frame.children[frame.next++];
        std::string path = frame.path + "/" + child.name;
        struct stat old;
        bool in_parent = false;
        if (frame.parent) {
            if (::fstatat(frame.parent.get(), child.name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0)
                in_parent = true;
            else if (errno != ENOENT)
                fail_errno(errno, "stat '" + path + "' in the parent layer");
        }
        bool reported = true;
        if (!in_parent)
            changes.add(path, Change::added);
        else if (differs(frame.layer.get(), frame.parent.get(), child, old))
            changes.add(path, Change::modified);
        else
            reported = false;
        if (!S_ISDIR(child.st.st_mode)) continue;
        UniqueFd layer_dir = open_subdir(frame.layer.get(), child.name, path);
        UniqueFd parent_dir;
        if (in_parent && S_ISDIR(old.st_mode)) parent_dir = open_subdir(frame.parent.get(), child.name, path);
        enter(std::move(layer_dir), std::move(parent_dir), std::move(path), reported);
    }
    return changes.take();
}

} // namespace berth::layertar
