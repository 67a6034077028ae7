// test_util.hpp — fixtures for the layertar tests: temp dirs, tars built in
// code with libarchive, canaries outside the target, tree snapshots.
#pragma once

#include <berth/abi.h>
#include <berth/layertar.hpp>

#include <archive_entry.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace lt {

namespace fs = std::filesystem;
namespace layertar = berth::layertar;

// A directory from mkdtemp under /tmp, removed with layertar::remove_tree
// (which, unlike std::filesystem::remove_all, copes with trees deeper than
// the fd limit).
class TempDir {
public:
    explicit TempDir(const std::string &tag = "lt");
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const fs::path &path() const { return path_; }
    fs::path operator/(const std::string &name) const { return path_ / name; }

private:
    fs::path path_;
};

// An owned fd for the tests.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd &operator=(Fd &&o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset();

private:
    int fd_ = -1;
};

// One tar member.
struct Member {
    std::string path;
    mode_t type = AE_IFREG;
    mode_t perm = 0644;
    std::string data;
    std::string link; // symlink target or hard link target
    bool hardlink = false;
    int64_t uid = 0;
    int64_t gid = 0;
    int64_t mtime = 1700000000;
    unsigned rmajor = 0;
    unsigned rminor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;
};

Member file(std::string path, std::string data = {}, mode_t perm = 0644);
Member dir(std::string path, mode_t perm = 0755);
Member symlink_to(std::string path, std::string target);
Member hardlink_to(std::string path, std::string target);
Member device(std::string path, mode_t type, unsigned major, unsigned minor);

enum class Compression { none, gzip, zstd };

// Writes members as a PAX tar to an fd (borrowed).
class TarWriter {
public:
    explicit TarWriter(int fd, Compression compression = Compression::none);
    ~TarWriter();
    TarWriter(const TarWriter &) = delete;
    TarWriter &operator=(const TarWriter &) = delete;
    // False once the reader is gone (a pipe closed by a refusing apply).
    bool add(const Member &member);
    void finish();

private:
    struct archive *a_;
    bool failed_ = false;
};

// A tar in a memfd, positioned at 0.
Fd make_tar(const std::vector<Member> &members, Compression compression = Compression::none);

// A tar streamed through a pipe by a thread, for tars too big to keep:
// read_fd() goes to apply(); the producer stops when the pipe closes.
class PipeTar {
public:
    explicit PipeTar(std::function<void(TarWriter &)> produce);
    ~PipeTar();
    int read_fd() const { return read_.get(); }
    // Closes the read end and waits for the producer.
    void finish();

private:
    Fd read_;
    std::thread thread_;
};

// A file outside the target whose content and mtime must never change.
class Canary {
public:
    explicit Canary(const fs::path &dir);
    ~Canary();
    Canary(const Canary &) = delete;
    Canary &operator=(const Canary &) = delete;
    const fs::path &path() const { return path_; }
    std::string name() const { return path_.filename().string(); }
    // EXPECTs that it is unchanged.
    void check() const;

private:
    fs::path path_;
    std::string content_;
    struct timespec mtime_ = {};
};

// A unique name nobody else uses, for escape targets.
std::string unique_name(const std::string &tag);

// Everything a tree comparison looks at, per path.
struct NodeInfo {
    mode_t mode = 0; // type and permissions
    uid_t uid = 0;
    gid_t gid = 0;
    int64_t size = 0;
    int64_t mtime = 0; // seconds: tars keep whole seconds
    dev_t rdev = 0;
    std::string link;
    std::string content_hash;
    std::string link_group; // first path of a hard-linked inode
    std::map<std::string, std::string> xattrs;
    bool operator==(const NodeInfo &) const = default;
};
using Snapshot = std::map<std::string, NodeInfo>;

// Walks a tree without following symlinks. The root itself is not in it.
Snapshot snapshot(const fs::path &root, bool with_mtime_of_dirs = true);
// EXPECTs equality and prints the first differences.
void expect_same_tree(const fs::path &a, const fs::path &b, bool with_mtime_of_dirs = true);

// Reads a whole file ("" if missing).
std::string read_file(const fs::path &path);
void write_file(const fs::path &path, const std::string &data, mode_t perm = 0644);
void set_mtime(const fs::path &path, int64_t seconds);
bool exists_nofollow(const fs::path &path);

// The member names of a tar (memfd rewound before and after).
std::vector<std::string> tar_names(int fd);
// Member name -> its xattr names.
std::map<std::string, std::vector<std::string>> tar_xattr_names(int fd);

bool is_root();

} // namespace lt
