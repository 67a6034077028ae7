// tar_plan.cpp — walking a change list in tar order.
//
// The changes are sorted so that each directory's subtree is contiguous;
// the walk then keeps the chain of open directories from the root down to
// the current parent and only opens what differs from the previous path.
// Every step is openat(O_NOFOLLOW) of one name, so no path length limit
// applies and no symlink (the layer is a container's file system) is ever
// followed.
#include "tar_plan.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <unordered_set>

namespace berth::layertar::detail {
namespace {

struct Item {
    std::vector<std::string> components;
    std::string path; // "a/b": the tar name
    Change::Kind kind;
    bool opaque;
};

std::vector<Item> sorted_items(const std::vector<Change> &changes) {
    std::vector<Item> items;
    items.reserve(changes.size());
    for (const Change &change : changes) {
        Item item{change_components(change.path), {}, change.kind, change.opaque};
        if (item.components.empty()) continue; // the root is never an entry
        item.path = join_components(item.components);
        items.push_back(std::move(item));
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const Item &a, const Item &b) { return path_less(a.path, b.path); });
    // One entry per path; an opaque flag on any duplicate counts.
    std::vector<Item> out;
    for (Item &item : items) {
        if (!out.empty() && out.back().path == item.path) {
            out.back().opaque = out.back().opaque || item.opaque;
            continue;
        }
        out.push_back(std::move(item));
    }
    return out;
}

int open_regular(int dirfd, const std::string &name) {
    // O_NONBLOCK: if the file was swapped for a fifo, opening must not hang.
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = ::openat(dirfd, name.c_str(), flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = ::openat(dirfd, name.c_str(), flags); // O_NOATIME needs ownership
    return fd;
}

} // namespace

void walk_plan(const std::filesystem::path &root, const std::vector<Change> &changes, PlanSink &sink, bool open_files) {
    UniqueFd root_fd = open_root(root, "layer");
    std::vector<std::pair<std::string, UniqueFd>> chain; // open directories below the root
    std::unordered_set<std::string> emitted_dirs;

    for (const Item &item : sorted_items(changes)) {
        const std::vector<std::string> &components = item.components;
        size_t n = components.size();
        size_t keep = 0;
        while (keep < chain.size() && keep + 1 < n && chain[keep].first == components[keep]) ++keep;
        chain.erase(chain.begin() + static_cast<std::ptrdiff_t>(keep), chain.end());

        bool parent_ok = true;
        for (size_t j = keep; j + 1 < n; ++j) {
            int dirfd = chain.empty() ? root_fd.get() : chain.back().second.get();
            std::string path = join_components(components, j + 1);
            struct stat st;
            if (::fstatat(dirfd, components[j].c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != ENOENT) fail_errno(errno, "stat '" + path + "'");
                parent_ok = false;
                break;
            }
            if (!S_ISDIR(st.st_mode)) {
                parent_ok = false;
                break;
            }
            UniqueFd dir = open_subdir(dirfd, components[j], path);
            // Parents go in with their own metadata, so the tar extracts
            // the same anywhere.
            if (emitted_dirs.insert(path).second) sink.entry(path, dirfd, components[j], -1, st);
            chain.emplace_back(components[j], std::move(dir));
        }

        if (item.kind == Change::deleted) {
            std::string parent = n > 1 ? join_components(components, n - 1) + "/" : std::string();
            sink.marker(parent + ".wh." + components.back());
            continue;
        }
        if (!parent_ok) continue;
        int dirfd = chain.empty() ? root_fd.get() : chain.back().second.get();
        const std::string &name = components.back();
        struct stat st;
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) continue;
            fail_errno(errno, "stat '" + item.path + "'");
        }
        if (S_ISSOCK(st.st_mode)) continue; // a tar cannot hold one; docker skips them too
        if (S_ISDIR(st.st_mode)) {
            if (emitted_dirs.insert(item.path).second) sink.entry(item.path, dirfd, name, -1, st);
            if (item.opaque) sink.marker(item.path + "/.wh..wh..opq");
            continue;
        }
        if (!S_ISREG(st.st_mode) || !open_files) {
            sink.entry(item.path, dirfd, name, -1, st);
            continue;
        }
        int fd = open_regular(dirfd, name);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            fail_errno(errno, "open '" + item.path + "'");
        }
        UniqueFd file(fd);
        if (::fstat(fd, &st) < 0) fail_errno(errno, "stat '" + item.path + "'");
        sink.entry(item.path, dirfd, name, S_ISREG(st.st_mode) ? fd : -1, st);
    }
}

} // namespace berth::layertar::detail
