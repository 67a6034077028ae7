// test_util.cpp — see test_util.hpp.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace lt {

TempDir::TempDir(const std::string &tag) {
    std::string pattern = (fs::temp_directory_path() / ("berth-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    path_ = pattern;
}

TempDir::~TempDir() {
    try {
        layertar::remove_tree(path_);
    } catch (const std::exception &e) {
        ADD_FAILURE() << "cleanup of " << path_ << " failed: " << e.what();
    }
}

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

Member file(std::string path, std::string data, mode_t perm) {
    Member m;
    m.path = std::move(path);
    m.data = std::move(data);
    m.perm = perm;
    return m;
}

Member dir(std::string path, mode_t perm) {
    Member m;
    m.path = std::move(path);
    m.type = AE_IFDIR;
    m.perm = perm;
    return m;
}

Member symlink_to(std::string path, std::string target) {
    Member m;
    m.path = std::move(path);
    m.type = AE_IFLNK;
    m.perm = 0777;
    m.link = std::move(target);
    return m;
}

Member hardlink_to(std::string path, std::string target) {
    Member m;
    m.path = std::move(path);
    m.link = std::move(target);
    m.hardlink = true;
    return m;
}

Member device(std::string path, mode_t type, unsigned major, unsigned minor) {
    Member m;
    m.path = std::move(path);
    m.type = type;
    m.perm = 0600;
    m.rmajor = major;
    m.rminor = minor;
    return m;
}

TarWriter::TarWriter(int fd, Compression compression) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (compression == Compression::gzip) archive_write_add_filter_gzip(a_);
    if (compression == Compression::zstd) archive_write_add_filter_zstd(a_);
    archive_write_set_bytes_in_last_block(a_, 1);
    if (archive_write_open_fd(a_, fd) != ARCHIVE_OK)
        throw std::runtime_error(std::string("archive_write_open_fd: ") + archive_error_string(a_));
}

TarWriter::~TarWriter() { finish(); }

bool TarWriter::add(const Member &m) {
    if (failed_) return false;
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_mtime(e, m.mtime, 0);
    archive_entry_set_uid(e, m.uid);
    archive_entry_set_gid(e, m.gid);
    if (m.hardlink) {
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, m.perm);
        archive_entry_set_hardlink(e, m.link.c_str());
        archive_entry_set_size(e, 0);
    } else {
        archive_entry_set_filetype(e, m.type);
        archive_entry_set_perm(e, m.perm);
        if (m.type == AE_IFLNK) archive_entry_set_symlink(e, m.link.c_str());
        if (m.type == AE_IFCHR || m.type == AE_IFBLK) {
            archive_entry_set_rdevmajor(e, m.rmajor);
            archive_entry_set_rdevminor(e, m.rminor);
        }
        archive_entry_set_size(e, m.type == AE_IFREG ? static_cast<int64_t>(m.data.size()) : 0);
    }
    for (const auto &[name, value] : m.xattrs)
        archive_entry_xattr_add_entry(e, name.c_str(), value.data(), value.size());
    bool ok = archive_write_header(a_, e) >= ARCHIVE_WARN;
    if (ok && !m.data.empty() && !m.hardlink)
        ok = archive_write_data(a_, m.data.data(), m.data.size()) == static_cast<la_ssize_t>(m.data.size());
    archive_entry_free(e);
    if (!ok) failed_ = true;
    return ok;
}

void TarWriter::finish() {
    if (a_ == nullptr) return;
    // Closed even after a failure (the reader went away): closing is what
    // frees libarchive's block buffer.
    if (archive_write_close(a_) != ARCHIVE_OK) failed_ = true;
    archive_write_free(a_);
    a_ = nullptr;
}

Fd make_tar(const std::vector<Member> &members, Compression compression) {
    Fd fd(::memfd_create("layer.tar", MFD_CLOEXEC));
    if (fd.get() < 0) throw std::runtime_error("memfd_create failed");
    {
        TarWriter writer(fd.get(), compression);
        for (const Member &m : members)
            if (!writer.add(m)) throw std::runtime_error("writing test tar failed at " + m.path);
        writer.finish();
    }
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

PipeTar::PipeTar(std::function<void(TarWriter &)> produce) {
    // A refusing apply closes the pipe early; the producer must see EPIPE,
    // not die of SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throw std::runtime_error("pipe2 failed");
    read_ = Fd(fds[0]);
    int write_fd = fds[1];
    thread_ = std::thread([write_fd, produce = std::move(produce)] {
        {
            TarWriter writer(write_fd);
            produce(writer);
            writer.finish();
        }
        ::close(write_fd);
    });
}

PipeTar::~PipeTar() { finish(); }

void PipeTar::finish() {
    read_.reset();
    if (thread_.joinable()) thread_.join();
}

std::string unique_name(const std::string &tag) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    return "berth-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rd());
}

Canary::Canary(const fs::path &dir) {
    path_ = dir / unique_name("canary");
    content_ = "canary " + path_.string() + "\n";
    write_file(path_, content_);
    // An old mtime, so an accidental rewrite cannot keep it by chance.
    set_mtime(path_, 1000000000);
    struct stat st;
    ::lstat(path_.c_str(), &st);
    mtime_ = st.st_mtim;
}

Canary::~Canary() { ::unlink(path_.c_str()); }

void Canary::check() const {
    struct stat st;
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0) << "canary " << path_ << " is gone";
    EXPECT_TRUE(S_ISREG(st.st_mode)) << "canary " << path_ << " was replaced";
    EXPECT_EQ(st.st_nlink, 1u) << "canary " << path_ << " was hard-linked";
    EXPECT_EQ(st.st_mtim.tv_sec, mtime_.tv_sec) << "canary " << path_ << " was touched";
    EXPECT_EQ(st.st_mtim.tv_nsec, mtime_.tv_nsec) << "canary " << path_ << " was touched";
    EXPECT_EQ(read_file(path_), content_) << "canary " << path_ << " was rewritten";
}

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const fs::path &path, const std::string &data, mode_t perm) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, perm);
    if (fd < 0) throw std::runtime_error("open " + path.string() + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            ::close(fd);
            throw std::runtime_error("write " + path.string());
        }
        done += static_cast<size_t>(n);
    }
    ::fchmod(fd, perm);
    ::close(fd);
}

void set_mtime(const fs::path &path, int64_t seconds) {
    struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0)
        throw std::runtime_error("utimensat " + path.string() + ": " + std::strerror(errno));
}

bool exists_nofollow(const fs::path &path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

namespace {

std::string hash_file(const fs::path &path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return "<unreadable>";
    std::vector<char> buffer(1 << 20);
    size_t h = 0;
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0) break;
        h = h * 1099511628211ull ^
            std::hash<std::string_view>()(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    ::close(fd);
    return std::to_string(h);
}

std::map<std::string, std::string> xattrs_of(const fs::path &path) {
    std::map<std::string, std::string> out;
    std::vector<char> names(65536);
    ssize_t n = ::llistxattr(path.c_str(), names.data(), names.size());
    for (ssize_t pos = 0; n > 0 && pos < n;) {
        std::string name(names.data() + pos);
        pos += static_cast<ssize_t>(name.size()) + 1;
        if (name.starts_with("trusted.overlay.")) continue; // never in a tar by design
        std::vector<char> value(65536);
        ssize_t m = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
        if (m >= 0) out[name] = std::string(value.data(), static_cast<size_t>(m));
    }
    return out;
}

} // namespace

Snapshot snapshot(const fs::path &root, bool with_mtime_of_dirs) {
    Snapshot out;
    std::map<std::pair<dev_t, ino_t>, std::string> groups;
    std::vector<std::string> worklist{""};
    while (!worklist.empty()) {
        std::string rel = worklist.back();
        worklist.pop_back();
        fs::path dir = rel.empty() ? root : root / rel;
        std::vector<std::string> names;
        for (const auto &entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        for (const std::string &name : names) {
            std::string child = rel.empty() ? name : rel + "/" + name;
            fs::path p = root / child;
            struct stat st;
            if (::lstat(p.c_str(), &st) < 0) continue;
            NodeInfo info;
            info.mode = st.st_mode;
            info.uid = st.st_uid;
            info.gid = st.st_gid;
            info.mtime = S_ISDIR(st.st_mode) && !with_mtime_of_dirs ? 0 : st.st_mtim.tv_sec;
            info.rdev = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? st.st_rdev : 0;
            if (S_ISREG(st.st_mode)) {
                info.size = st.st_size;
                info.content_hash = hash_file(p);
                if (st.st_nlink > 1) {
                    auto [it, inserted] = groups.emplace(std::make_pair(st.st_dev, st.st_ino), child);
                    info.link_group = it->second;
                    (void)inserted;
                }
            }
            if (S_ISLNK(st.st_mode)) info.link = fs::read_symlink(p).string();
            info.xattrs = xattrs_of(p);
            out[child] = info;
            if (S_ISDIR(st.st_mode)) worklist.push_back(child);
        }
    }
    return out;
}

void expect_same_tree(const fs::path &a, const fs::path &b, bool with_mtime_of_dirs) {
    Snapshot sa = snapshot(a, with_mtime_of_dirs);
    Snapshot sb = snapshot(b, with_mtime_of_dirs);
    int reported = 0;
    for (const auto &[path, info] : sa) {
        auto it = sb.find(path);
        if (it == sb.end()) {
            ADD_FAILURE() << "only in " << a << ": " << path;
        } else if (!(it->second == info)) {
            const NodeInfo &o = it->second;
            ADD_FAILURE() << "differs: " << path << std::oct << " mode " << info.mode << " vs " << o.mode << std::dec
                          << " uid " << info.uid << "/" << o.uid << " gid " << info.gid << "/" << o.gid << " size "
                          << info.size << "/" << o.size << " mtime " << info.mtime << "/" << o.mtime << " link '"
                          << info.link << "'/'" << o.link << "' hash " << info.content_hash << "/" << o.content_hash
                          << " group '" << info.link_group << "'/'" << o.link_group << "' xattrs "
                          << info.xattrs.size() << "/" << o.xattrs.size();
        } else {
            continue;
        }
        if (++reported > 20) return;
    }
    for (const auto &[path, info] : sb)
        if (sa.count(path) == 0) {
            ADD_FAILURE() << "only in " << b << ": " << path;
            if (++reported > 20) return;
        }
}

std::vector<std::string> tar_names(int fd) {
    std::vector<std::string> out;
    ::lseek(fd, 0, SEEK_SET);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_all(a);
    if (archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK) {
        struct archive_entry *e;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) out.emplace_back(archive_entry_pathname(e));
    }
    archive_read_free(a);
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

std::map<std::string, std::vector<std::string>> tar_xattr_names(int fd) {
    std::map<std::string, std::vector<std::string>> out;
    ::lseek(fd, 0, SEEK_SET);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK) {
        struct archive_entry *e;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
            auto &names = out[archive_entry_pathname(e)];
            archive_entry_xattr_reset(e);
            const char *name;
            const void *value;
            size_t size;
            while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) names.emplace_back(name);
        }
    }
    archive_read_free(a);
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

bool is_root() { return ::geteuid() == 0; }

} // namespace lt
