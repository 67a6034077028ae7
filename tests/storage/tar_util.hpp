// tar_util.hpp — layer tars for the driver tests: built in memory with
// libarchive, and read back for who owns each member.
#pragma once

#include <archive_entry.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace storage_test {

// An owned fd.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd &operator=(Fd &&o) noexcept;
    ~Fd();
    int get() const { return fd_; }

private:
    int fd_ = -1;
};

// An empty memfd (for a diff to be written into).
Fd memfd(const char *name);

struct Member {
    std::string path;
    mode_t type = AE_IFREG;
    mode_t perm = 0644;
    std::string data;
    std::string link; // symlink or hard link target
    bool hardlink = false;
    int64_t uid = 0;
    int64_t gid = 0;
};

Member file(std::string path, std::string data, int64_t uid, int64_t gid);
Member dir(std::string path, int64_t uid, int64_t gid);
Member symlink_to(std::string path, std::string target, int64_t uid, int64_t gid);
Member hardlink_to(std::string path, std::string target, int64_t uid, int64_t gid);

// A PAX tar of members in a memfd, positioned at 0.
Fd make_tar(const std::vector<Member> &members);

struct Ids {
    int64_t uid;
    int64_t gid;
    bool operator==(const Ids &) const = default;
};
inline std::ostream &operator<<(std::ostream &os, const Ids &ids) { return os << ids.uid << ":" << ids.gid; }

// Member name (without a trailing '/') -> its uid:gid; the fd is rewound
// before and after.
std::map<std::string, Ids> tar_owners(int fd);

} // namespace storage_test
