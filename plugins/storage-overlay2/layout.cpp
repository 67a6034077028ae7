// layout.cpp — see layout.hpp.
#include "layout.hpp"

#include "errors.hpp"
#include "fs_util.hpp"

#include <berth/layertar.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace berth::overlay2 {

namespace fs = std::filesystem;

namespace {

constexpr size_t link_len = 26;

bool valid_link_name(std::string_view s) {
    if (s.size() != link_len) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// rename that refuses to replace an existing target (a plain rename would
// silently replace an empty directory).
int rename_noreplace(const fs::path &from, const fs::path &to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    // The filesystem lacks RENAME_NOREPLACE: check, then rename (callers
    // hold the layer's lock, so only an outside writer could race us).
    struct stat st {};
    if (::lstat(to.c_str(), &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return ::rename(from.c_str(), to.c_str());
}

std::string readlink_str(const fs::path &p) {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
    if (n < 0) return {};
    return std::string(buf, static_cast<size_t>(n));
}

std::vector<std::string> list_dir(const fs::path &dir) {
    std::vector<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    if (d == nullptr) {
        if (errno == ENOENT) return names;
        fail_errno(errno, "opendir", dir.native(), BERTH_E_IO);
    }
    while (const dirent *e = ::readdir(d)) {
        const std::string_view n(e->d_name);
        if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    return names;
}

} // namespace

bool Layout::valid_id(std::string_view id) {
    if (id.empty() || id.size() > 128 || id[0] == '.' || id == "l") return false;
    if (id.find("-tmp-") != std::string_view::npos) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-'))
            return false;
    return true;
}

void Layout::require_valid_id(std::string_view id, std::string_view what) {
    if (!valid_id(id))
        fail(BERTH_E_INVAL, std::string(what) + " id \"" + std::string(id) +
                                "\" is not a valid layer id ([A-Za-z0-9_.-], 1-128 bytes)");
}

bool Layout::exists(const std::string &id) const {
    struct stat st {};
    return valid_id(id) && ::lstat(dir(id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void Layout::require(const std::string &id) const {
    require_valid_id(id, "layer");
    if (!exists(id)) fail(BERTH_E_NOTFOUND, "layer " + id + " does not exist");
}

std::vector<std::string> Layout::lowers(const std::string &id) const {
    std::vector<std::string> out;
    const auto text = read_file_if_exists(dir(id) / "lower");
    if (!text || text->empty()) return out;
    size_t start = 0;
    while (start < text->size()) {
        size_t end = text->find(':', start);
        if (end == std::string::npos) end = text->size();
        const std::string entry = text->substr(start, end - start);
        if (entry.rfind("l/", 0) != 0 || !valid_link_name(std::string_view(entry).substr(2)))
            fail(BERTH_E_IO, "layer " + id + ": damaged lower file (entry \"" + entry + "\")");
        out.push_back(entry);
        start = end + 1;
    }
    return out;
}

std::string Layout::link_target_id(const std::string &entry) const {
    // entry is "l/<short>"; the link reads "../<id>/diff".
    const std::string target = readlink_str(home_ / entry);
    const std::string_view t(target);
    if (t.size() > 8 && t.substr(0, 3) == "../" && t.substr(t.size() - 5) == "/diff") {
        const std::string id(t.substr(3, t.size() - 8));
        if (valid_id(id)) return id;
    }
    fail(BERTH_E_IO, "lower link " + (home_ / entry).native() + " is missing or damaged");
}

std::vector<fs::path> Layout::lower_diff_dirs(const std::string &id) const {
    std::vector<fs::path> out;
    for (const auto &entry : lowers(id)) out.push_back(diff_dir(link_target_id(entry)));
    return out;
}

std::string Layout::parent(const std::string &id) const {
    const auto entries = lowers(id);
    return entries.empty() ? std::string() : link_target_id(entries.front());
}

bool Layout::is_rw(const std::string &id) const {
    struct stat st {};
    return ::lstat(work_dir(id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void Layout::create(const std::string &id, const std::string &parent_id, bool rw, bool durable) const {
    require_valid_id(id, "layer");
    if (!parent_id.empty()) require_valid_id(parent_id, "parent");
    if (exists(id)) fail(BERTH_E_EXISTS, "layer " + id + " already exists");

    std::string lower;
    if (!parent_id.empty()) {
        if (!exists(parent_id)) fail(BERTH_E_NOTFOUND, "parent layer " + parent_id + " of " + id + " does not exist");
        const std::string parent_link = read_file(dir(parent_id) / "link");
        if (!valid_link_name(parent_link)) fail(BERTH_E_IO, "layer " + parent_id + ": damaged link file");
        lower = "l/" + parent_link;
        if (auto parent_lower = read_file_if_exists(dir(parent_id) / "lower"); parent_lower && !parent_lower->empty())
            lower += ":" + *parent_lower;
    }

    // Built under a temp name, renamed into place last.
    const fs::path tmp = make_temp_dir(dir(id), 0701);
    fs::path link;
    try {
        make_dir(tmp / "diff", 0755);
        own_layer_root(tmp / "diff");
        if (rw) make_dir(tmp / "work", 0700);
        if (rw || !parent_id.empty()) {
            make_dir(tmp / "merged", 0700);
            make_traversable(tmp / "merged");
        }
        // The files of the temp directory need no temp names of their own
        // (nobody reads the directory before its rename) nor a directory
        // fsync each: the one fsync of tmp below covers both entries.
        if (!lower.empty()) write_new_file(tmp / "lower", lower, durable);

        // The link is made before the rename: a crash in between leaves a
        // dangling link (swept), never a layer that children cannot mount.
        std::string name;
        for (;;) {
            name = random_link_name();
            link = links_dir() / name;
            if (::symlink(("../" + id + "/diff").c_str(), link.c_str()) == 0) break;
            if (errno != EEXIST) {
                link.clear();
                fail_errno(errno, "symlink", (links_dir() / name).native(), BERTH_E_IO);
            }
        }
        write_new_file(tmp / "link", name, durable);
        if (durable) {
            fsync_dir(tmp);
            fsync_dir(links_dir());
        }
        if (rename_noreplace(tmp, dir(id)) != 0) {
            const int err = errno;
            if (err == EEXIST || err == ENOTEMPTY) fail(BERTH_E_EXISTS, "layer " + id + " already exists");
            fail_errno(err, "rename", dir(id).native(), BERTH_E_IO);
        }
        if (durable) fsync_dir(home_);
    } catch (...) {
        if (!link.empty()) ::unlink(link.c_str());
        layertar::remove_tree(tmp);
        throw;
    }
}

void Layout::remove(const std::string &id) const { layertar::remove_tree(retire(id)); }

fs::path Layout::retire(const std::string &id) const {
    require(id);
    const auto link_name = read_file_if_exists(dir(id) / "link");
    // One rename makes the layer gone; the slow tree removal then happens
    // under a "-tmp-" name that a crash leaves for the sweep.
    fs::path grave;
    for (;;) {
        grave = home_ / (id + "-tmp-rm-" + random_link_name().substr(0, 8));
        if (rename_noreplace(dir(id), grave) == 0) break;
        if (errno != EEXIST && errno != ENOTEMPTY) fail_errno(errno, "rename", dir(id).native(), BERTH_E_IO);
    }
    // No fsync of home: a rename lost to a power cut brings the whole layer
    // back (never a torn one), which is harmless. Its owner's record, whose
    // removal comes after, still marks the removal under way (the container
    // store finishes it at restore), or, where the record's removal reached
    // the disk, the journal (ext4, xfs) holds this earlier rename as well.
    // On `run --rm`'s path, once per layer.
    if (link_name && valid_link_name(*link_name)) {
        const fs::path link = links_dir() / *link_name;
        // Only our own link: a damaged link file must not take another
        // layer's link with it.
        if (readlink_str(link) == "../" + id + "/diff") ::unlink(link.c_str());
    }
    return grave;
}

void Layout::ensure_links_dir() const {
    make_dir(links_dir(), 0700, /*exist_ok=*/true);
    make_traversable(links_dir());
}

void Layout::make_traversable(const fs::path &dir) const {
    if (id_map_.identity()) return;
    // Group search only (dockerd's 0710 + remapped root group): other host
    // users still cannot enter, and nobody but root lists the layer ids.
    if (::lchown(dir.c_str(), static_cast<uid_t>(-1), id_map_.gid) != 0)
        fail_errno(errno, "chown (group of the id map's root)", dir.native(), BERTH_E_IO);
    if (::chmod(dir.c_str(), 0710) != 0) fail_errno(errno, "chmod", dir.native(), BERTH_E_IO);
}

void Layout::own_layer_root(const fs::path &dir) const {
    if (id_map_.identity()) return;
    // The container's "/" must be its own root's: a diff dir is the upper
    // (or top lower) whose root inode the mount shows as "/".
    if (::lchown(dir.c_str(), id_map_.uid, id_map_.gid) != 0)
        fail_errno(errno, "chown (to the id map's root)", dir.native(), BERTH_E_IO);
}

void Layout::sweep() const {
    for (const auto &name : list_dir(home_))
        if (name.find("-tmp-") != std::string::npos) layertar::remove_tree(home_ / name);
    for (const auto &name : list_dir(links_dir())) {
        const fs::path link = links_dir() / name;
        struct stat st {};
        if (::lstat(link.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && ::stat(link.c_str(), &st) != 0 &&
            errno == ENOENT)
            ::unlink(link.c_str());
    }
}

} // namespace berth::overlay2
