// remove_tree.cpp — deleting directory trees by file descriptor.
//
// Never follows a symlink (every step is an *at() call on a name with
// O_NOFOLLOW or unlinkat), never leaves the starting file system (a mount
// point below is left alone and reported), and holds only one directory fd
// at a time: it climbs back with ".." and checks the inode it lands on, so
// neither the fd limit nor the stack bounds the depth of a tree it can
// remove (hostile layers can be thousands of levels deep).
#include "internal.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>

namespace berth::layertar::detail {
namespace {

struct Level {
    std::string name; // inside the parent level
    dev_t dev = 0;
    ino_t ino = 0;
    std::vector<std::string> subdirs; // still to descend into
    size_t next = 0;
    bool keep = false; // holds something on another file system
};

class TreeRemover {
public:
    TreeRemover(std::string display) : display_(std::move(display)) {}

    void run(int parent_fd, const std::string &name) {
        struct stat parent_st;
        if (::fstat(parent_fd, &parent_st) < 0) fail_errno(errno, "remove '" + display_ + "'");
        int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) return;
            fail_errno(errno, "remove '" + display_ + "'");
        }
        UniqueFd cur(fd);
        struct stat st;
        if (::fstat(cur.get(), &st) < 0) fail_errno(errno, "remove '" + display_ + "'");
        if (st.st_dev != parent_st.st_dev)
            fail(BERTH_E_BUSY, "cannot remove '" + display_ + "': it is a mount point");
        fs_dev_ = st.st_dev;
        stack_.push_back(Level{name, st.st_dev, st.st_ino, {}, 0, false});
        scan(cur.get());

        for (;;) {
            Level &level = stack_.back();
            if (level.next < level.subdirs.size()) {
                std::string child = level.subdirs[level.next++];
                fd = ::openat(cur.get(), child.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                    if (errno == ENOENT) continue;
                    if (errno == ENOTDIR || errno == ELOOP) { // replaced meanwhile
                        unlink_file(cur.get(), child, level);
                        continue;
                    }
                    fail_errno(errno, "remove '" + where(child) + "'");
                }
                UniqueFd child_fd(fd);
                if (::fstat(child_fd.get(), &st) < 0) fail_errno(errno, "remove '" + where(child) + "'");
                if (st.st_dev != fs_dev_) {
                    mounted(level, child);
                    continue;
                }
                stack_.push_back(Level{child, st.st_dev, st.st_ino, {}, 0, false});
                cur = std::move(child_fd);
                scan(cur.get());
                continue;
            }
            if (stack_.size() == 1) break;
            std::string done = level.name;
            bool keep = level.keep;
            stack_.pop_back();
            fd = ::openat(cur.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) fail_errno(errno, "remove '" + where(done) + "'");
            cur.reset(fd);
            if (::fstat(cur.get(), &st) < 0) fail_errno(errno, "remove '" + where(done) + "'");
            if (st.st_dev != stack_.back().dev || st.st_ino != stack_.back().ino)
                fail(BERTH_E_IO, "remove '" + display_ + "': the tree was moved while it was being removed");
            if (keep) {
                stack_.back().keep = true;
                continue;
            }
            if (::unlinkat(cur.get(), done.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT)
                fail_errno(errno, "remove '" + where(done) + "'");
        }
        bool keep = stack_.back().keep;
        cur.reset();
        if (keep)
            fail(BERTH_E_BUSY, "cannot remove '" + display_ + "': '" + busy_ + "' is on another file system");
        if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT)
            fail_errno(errno, "remove '" + display_ + "'");
    }

private:
    // The path of `child` below the level on top of the stack, for errors.
    std::string where(const std::string &child) const {
        std::string out = display_;
        for (size_t i = 1; i < stack_.size(); ++i) out += "/" + stack_[i].name;
        if (!child.empty()) out += "/" + child;
        return out;
    }

    void mounted(Level &level, const std::string &child) {
        level.keep = true;
        if (busy_.empty()) busy_ = where(child);
    }

    void unlink_file(int dirfd, const std::string &child, Level &level) {
        if (::unlinkat(dirfd, child.c_str(), 0) == 0 || errno == ENOENT) return;
        if (errno == EBUSY) { // a bind-mounted file
            mounted(level, child);
            return;
        }
        if (errno == EISDIR) { // became a directory meanwhile
            level.subdirs.push_back(child);
            return;
        }
        fail_errno(errno, "remove '" + where(child) + "'");
    }

    // Unlinks the non-directories of the top level right away and queues
    // its subdirectories; a fresh open file description keeps readdir's
    // position independent of `dirfd`.
    void scan(int dirfd) {
        Level &level = stack_.back();
        int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) fail_errno(errno, "remove '" + where("") + "'");
        DIR *dir = ::fdopendir(fd);
        if (dir == nullptr) {
            int err = errno;
            ::close(fd);
            fail_errno(err, "remove '" + where("") + "'");
        }
        struct Closer {
            DIR *d;
            ~Closer() { ::closedir(d); }
        } closer{dir};
        for (;;) {
            errno = 0;
            struct dirent *de = ::readdir(dir);
            if (de == nullptr) {
                if (errno != 0) fail_errno(errno, "read directory '" + where("") + "'");
                break;
            }
            std::string name = de->d_name;
            if (name == "." || name == "..") continue;
            unsigned char type = de->d_type;
            struct stat st;
            if (type == DT_UNKNOWN || type == DT_DIR) {
                if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
                    if (errno == ENOENT) continue;
                    fail_errno(errno, "remove '" + where(name) + "'");
                }
                type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
                if (type == DT_DIR && st.st_dev != fs_dev_) {
                    mounted(level, name);
                    continue;
                }
            }
            if (type == DT_DIR)
                level.subdirs.push_back(std::move(name));
            else
                unlink_file(dirfd, name, level);
        }
    }

    std::string display_;
    dev_t fs_dev_ = 0;
    std::vector<Level> stack_;
    std::string busy_;
};

} // namespace

void remove_at(int dirfd, const std::string &name, const std::string &display) {
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        fail_errno(errno, "remove '" + display + "'");
    }
    if (S_ISDIR(st.st_mode)) {
        TreeRemover(display).run(dirfd, name);
        return;
    }
    if (::unlinkat(dirfd, name.c_str(), 0) < 0 && errno != ENOENT) fail_errno(errno, "remove '" + display + "'");
}

} // namespace berth::layertar::detail

namespace berth::layertar {

void remove_tree(const std::filesystem::path &root) {
    std::string text = root.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    std::filesystem::path path(text);
    std::string name = path.filename().string();
    if (text.empty() || name.empty() || name == "." || name == ".." || text == "/")
        detail::fail(BERTH_E_INVAL, "remove_tree: refusing to remove '" + root.string() + "'");
    std::string parent = path.parent_path().string();
    if (parent.empty()) parent = ".";
    // The caller's own path up to the root is trusted; below it nothing is.
    int fd = ::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        detail::fail_errno(errno, "remove_tree '" + root.string() + "'");
    }
    detail::UniqueFd parent_fd(fd);
    detail::remove_at(parent_fd.get(), name, root.string());
}

} // namespace berth::layertar
