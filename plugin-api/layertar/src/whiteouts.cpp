// whiteouts.cpp — ".wh.<name>" and ".wh..wh..opq" members, in both on-disk
// styles (see WhiteoutStyle).
#include "apply_state.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>

namespace berth::layertar::detail {
namespace {

constexpr std::string_view whiteout_prefix = ".wh.";
constexpr std::string_view opaque_marker = ".wh..wh..opq";
constexpr std::string_view meta_prefix = ".wh..wh.";

// remove style: delete everything below `dir` that this apply did not
// extract. Directories that were extracted, or hold something that was,
// stay, but their own children are pruned the same way: the lower layers'
// content of an opaque directory is gone at every depth.
void prune(ApplyState &s, UniqueFd dir, const std::string &prefix) {
    struct Frame {
        UniqueFd fd;
        std::string path;
        std::vector<DirChild> children;
        size_t next = 0;
    };
    std::vector<Frame> stack;
    std::vector<DirChild> top = list_dir(dir.get(), prefix.empty() ? "." : prefix);
    stack.push_back(Frame{std::move(dir), prefix, std::move(top), 0});
    while (!stack.empty()) {
        Frame &frame = stack.back();
        if (frame.next == frame.children.size()) {
            stack.pop_back();
            continue;
        }
        const DirChild &child = frame.children[frame.next++];
        std::string path = frame.path.empty() ? child.name : frame.path + "/" + child.name;
        bool keep = s.extracted.count(path) != 0 || s.above_extracted.count(path) != 0;
        if (!keep) {
            s.remove(frame.fd.get(), child.name, path);
            continue;
        }
        if (!S_ISDIR(child.st.st_mode)) continue;
        int fd = ::openat(frame.fd.get(), child.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) fail_errno(errno, "opaque directory: open '" + path + "'");
        UniqueFd sub(fd);
        std::vector<DirChild> children = list_dir(sub.get(), path);
        stack.push_back(Frame{std::move(sub), std::move(path), std::move(children), 0});
    }
}

void opaque(ApplyState &s, const std::vector<std::string> &components, const std::string &display) {
    bool overlay = s.options.whiteouts == WhiteoutStyle::overlay;
    // The marker's "parent" is the opaque directory itself.
    ParentDir marker = open_parent_in_root(s.root_fd, components, overlay, display, s.implied());
    if (!marker.fd) return; // remove style: no such directory, nothing hidden
    int fd = ::openat(marker.fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail_errno(errno, "opaque marker '" + display + "': open directory");
    UniqueFd dir(fd);
    if (overlay) {
        if (::fsetxattr(dir.get(), "trusted.overlay.opaque", "y", 1, 0) < 0)
            fail_errno(errno, "opaque marker '" + display + "': set trusted.overlay.opaque");
        return;
    }
    prune(s, std::move(dir), join_components(components, components.size() - 1));
}

} // namespace

void apply_whiteout(ApplyState &s, const std::vector<std::string> &components, const Owner &owner) {
    const std::string &base = components.back();
    std::string display = join_components(components);
    if (base == opaque_marker) {
        opaque(s, components, display);
        return;
    }
    // aufs bookkeeping (".wh..wh.plnk", ".wh..wh.aufs"): docker skips it too.
    if (base.starts_with(meta_prefix)) return;

    std::string victim = base.substr(whiteout_prefix.size());
    if (victim.empty() || victim == "." || victim == "..")
        fail(BERTH_E_INVAL, "whiteout '" + display + "' does not name a file");
    std::vector<std::string> victim_components(components.begin(), components.end() - 1);
    victim_components.push_back(victim);
    std::string victim_path = join_components(victim_components);

    bool overlay = s.options.whiteouts == WhiteoutStyle::overlay;
    // Resolved inside the root like any entry: a whiteout below a symlink
    // deletes inside the root or nothing.
    ParentDir parent = open_parent_in_root(s.root_fd, victim_components, overlay, display, s.implied());
    if (!parent.fd) return; // remove style: already absent
    s.remove(parent.fd.get(), victim, victim_path);
    if (!overlay) return;
    // overlayfs marks a deleted path with a 0/0 character device.
    if (::mknodat(parent.fd.get(), victim.c_str(), S_IFCHR, makedev(0, 0)) < 0)
        fail_errno(errno, "whiteout '" + display + "': mknod");
    if (s.chown && ::fchownat(parent.fd.get(), victim.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) < 0)
        fail_errno(errno, "whiteout '" + display + "': chown");
}

} // namespace berth::layertar::detail
