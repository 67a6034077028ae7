#include "tree.hpp"

#include "fs.hpp"
#include "strf.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace conformance {

const char *type_name(mode_t type) {
    switch (type & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symlink";
    case S_IFIFO: return "fifo";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFSOCK: return "socket";
    default: return "unknown type";
    }
}

namespace {

std::map<std::string, std::string> read_xattrs(const std::string &path) {
    std::map<std::string, std::string> out;
    ssize_t n = ::llistxattr(path.c_str(), nullptr, 0);
    if (n <= 0) return out;
    std::string names(static_cast<size_t>(n), '\0');
    n = ::llistxattr(path.c_str(), names.data(), names.size());
    if (n <= 0) return out;
    names.resize(static_cast<size_t>(n));
    for (size_t p = 0; p < names.size();) {
        std::string name = names.c_str() + p;
        p += name.size() + 1;
        if (name.empty() || name == "security.selinux") continue;
        ssize_t v = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
        if (v < 0) continue;
        std::string value(static_cast<size_t>(v), '\0');
        v = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
        if (v < 0) continue;
        value.resize(static_cast<size_t>(v));
        out[name] = value;
    }
    return out;
}

void walk(const std::string &root, const std::string &rel, bool with_content, Tree &out) {
    for (const auto &name : list_dir(root + rel)) {
        std::string r = rel + "/" + name;
        std::string full = root + r;
        struct stat st;
        if (::lstat(full.c_str(), &st) != 0) throw_errno("lstat " + full, errno);
        Node n;
        n.type = st.st_mode & S_IFMT;
        n.mode = st.st_mode & 07777;
        n.uid = st.st_uid;
        n.gid = st.st_gid;
        n.size = st.st_size;
        n.ino = st.st_ino;
        n.rdev = st.st_rdev;
        n.nlink = st.st_nlink;
        n.allocated = static_cast<int64_t>(st.st_blocks) * 512;
        n.xattrs = read_xattrs(full);
        if (S_ISLNK(st.st_mode)) {
            char buf[PATH_MAX];
            ssize_t len = ::readlink(full.c_str(), buf, sizeof buf);
            if (len < 0) throw_errno("readlink " + full, errno);
            n.target.assign(buf, static_cast<size_t>(len));
        } else if (S_ISREG(st.st_mode) && with_content) {
            n.hash = hash_file(full);
        }
        out[r] = n;
        if (S_ISDIR(st.st_mode)) walk(root, r, with_content, out);
    }
}

std::string xattr_list(const std::map<std::string, std::string> &x) {
    if (x.empty()) return "none";
    std::string s;
    for (const auto &kv : x) s += (s.empty() ? "" : ", ") + kv.first + "=\"" + kv.second + "\"";
    return s;
}

} // namespace

Tree snapshot(const std::string &root, bool with_content) {
    Tree t;
    walk(root, "", with_content, t);
    return t;
}

std::vector<std::string> compare_trees(const Tree &a, const std::string &a_name, const Tree &b,
                                       const std::string &b_name) {
    std::vector<std::string> diffs;
    for (const auto &[path, x] : a) {
        auto it = b.find(path);
        if (it == b.end()) {
            diffs.push_back(strf("%s: present in %s, missing in %s", path.c_str(), a_name.c_str(), b_name.c_str()));
            continue;
        }
        const Node &y = it->second;
        auto differ = [&](const std::string &what, const std::string &vx, const std::string &vy) {
            diffs.push_back(strf("%s: %s %s in %s, %s in %s", path.c_str(), what.c_str(), vx.c_str(),
                                 a_name.c_str(), vy.c_str(), b_name.c_str()));
        };
        if (x.type != y.type) {
            differ("type", type_name(x.type), type_name(y.type));
            continue;
        }
        if (x.type != S_IFLNK && x.mode != y.mode) differ("mode", strf("0%o", x.mode), strf("0%o", y.mode));
        if (x.uid != y.uid || x.gid != y.gid)
            differ("owner", strf("%u:%u", x.uid, x.gid), strf("%u:%u", y.uid, y.gid));
        if (x.type == S_IFREG) {
            if (x.size != y.size)
                differ("size", strf("%lld", static_cast<long long>(x.size)), strf("%lld", static_cast<long long>(y.size)));
            else if (x.hash != y.hash)
                differ("content", strf("%016llx", static_cast<unsigned long long>(x.hash)),
                       strf("%016llx", static_cast<unsigned long long>(y.hash)));
        }
        if (x.type == S_IFLNK && x.target != y.target) differ("symlink target", "\"" + x.target + "\"", "\"" + y.target + "\"");
        if (x.xattrs != y.xattrs) differ("xattrs", xattr_list(x.xattrs), xattr_list(y.xattrs));
    }
    for (const auto &[path, y] : b)
        if (a.find(path) == a.end())
            diffs.push_back(strf("%s: present in %s (%s), missing in %s", path.c_str(), b_name.c_str(),
                                 type_name(y.type), a_name.c_str()));
    return diffs;
}

} // namespace conformance
