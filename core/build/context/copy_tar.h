// copy_tar.h — the two outputs of a COPY/ADD walk: the tar extracted at the
// container's "/" (CopyTarOut) and the cache checksum (CopyChecksum). The
// checksum is fed a canonical record per copied entry — its source-side
// name, type, mode, owner, link target, size and bytes — and never mtimes
// or destination-side facts, so plan_copy and copy_checksum agree and a
// `touch` does not bust the cache.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <ctime>
#include <memory>
#include <string>

#include <openssl/evp.h>

struct archive;
struct archive_entry;

namespace berth::build {

class CopyChecksum {
public:
    CopyChecksum();
    ~CopyChecksum();
    CopyChecksum(const CopyChecksum &) = delete;
    CopyChecksum &operator=(const CopyChecksum &) = delete;

    // type: 'd', 'f', 'l', 'p' (fifo), 'c', 'b', 'a' (an ADD archive).
    void entry(const std::string &key, char type, mode_t perm, uid_t uid, gid_t gid, const std::string &link_target,
               unsigned long long size);
    void content(const void *data, size_t len);
    std::string hex(); // finishes the hash

private:
    EVP_MD_CTX *ctx_;
};

class CopyTarOut {
public:
    explicit CopyTarOut(int fd); // borrowed
    ~CopyTarOut();
    CopyTarOut(const CopyTarOut &) = delete;
    CopyTarOut &operator=(const CopyTarOut &) = delete;

    // name: relative to "/", directories without the trailing "/" (added
    // here). mode_type: S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK.
    void header(const std::string &name, mode_t mode_type, mode_t perm, uid_t uid, gid_t gid, time_t mtime,
                unsigned long long size, const std::string &link_target = {}, dev_t rdev = 0);
    // An entry taken from another tar as it is (owners, modes, times).
    void header(archive_entry *entry);
    void data(const void *buf, size_t len);
    void finish();

private:
    [[noreturn]] void fail(const std::string &what);
    struct archive *a_;
    bool finished_ = false;
};

} // namespace berth::build
