#include "round_trip_files.hpp"

#include "../fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace conformance {

namespace {

// Incompressible, deterministic bytes: a driver that stores only zeros or
// truncates shows up in the content hash.
void fill_pattern(std::vector<char> &buf, uint64_t &state) {
    for (size_t i = 0; i + 8 <= buf.size(); i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::memcpy(buf.data() + i, &state, 8);
    }
}

void pwrite_all(int fd, const char *data, size_t len, off_t off, const std::string &path) {
    while (len > 0) {
        ssize_t n = ::pwrite(fd, data, len, off);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("writing " + path, errno);
        }
        data += n;
        len -= static_cast<size_t>(n);
        off += n;
    }
}

void write_big(const std::string &path) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw_errno("creating " + path, errno);
    std::vector<char> buf(1 << 20);
    uint64_t state = 0x0123456789abcdefULL;
    for (int64_t off = 0; off < big_file_size; off += static_cast<int64_t>(buf.size())) {
        fill_pattern(buf, state);
        pwrite_all(fd.get(), buf.data(), buf.size(), off, path);
    }
}

void write_sparse(const std::string &path) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) throw_errno("creating " + path, errno);
    std::vector<char> buf(static_cast<size_t>(sparse_extent_len));
    uint64_t state = 0xfedcba9876543210ULL;
    for (int64_t off : {sparse_extent1, sparse_extent2}) {
        fill_pattern(buf, state);
        pwrite_all(fd.get(), buf.data(), buf.size(), off, path);
    }
    // The size comes from truncate: a leading, a middle and a trailing hole.
    if (::ftruncate(fd.get(), sparse_file_size) != 0) throw_errno("truncating " + path, errno);
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + path, errno);
}

} // namespace

std::vector<std::string> write_round_trip_files(const std::string &root) {
    std::vector<std::string> made;
    auto mkdir = [&](const std::string &p, mode_t mode) {
        make_dirs(root + p, mode);
        made.push_back(p);
    };
    auto file = [&](const std::string &p, const std::string &content, mode_t mode) {
        write_file(root + p, content, mode);
        made.push_back(p);
    };

    mkdir("/rt", 0755);
    file("/rt/regular.txt", "a regular file\n", 0644);
    mkdir("/rt/nested", 0755);
    mkdir("/rt/nested/a", 0755);
    mkdir("/rt/nested/a/b", 0755);
    mkdir("/rt/nested/a/b/c", 0755);
    file("/rt/nested/a/b/c/deep.txt", "deep down\n", 0600);

    if (::symlink("/rt/regular.txt", (root + "/rt/symlink-abs").c_str()) != 0)
        throw_errno("symlink " + root + "/rt/symlink-abs", errno);
    made.push_back("/rt/symlink-abs");
    if (::symlink("nested/a/../a/b", (root + "/rt/symlink-rel").c_str()) != 0)
        throw_errno("symlink " + root + "/rt/symlink-rel", errno);
    made.push_back("/rt/symlink-rel");

    file("/rt/hardlink-a", "one inode, two names\n", 0644);
    if (::link((root + "/rt/hardlink-a").c_str(), (root + "/rt/hardlink-b").c_str()) != 0)
        throw_errno("link " + root + "/rt/hardlink-b", errno);
    made.push_back("/rt/hardlink-b");

    std::string fifo = root + "/rt/fifo";
    if (::mkfifo(fifo.c_str(), 0640) != 0) throw_errno("mkfifo " + fifo, errno);
    if (::chmod(fifo.c_str(), 0640) != 0) throw_errno("chmod " + fifo, errno);
    made.push_back("/rt/fifo");

    file("/rt/xattr.txt", "has a user xattr\n", 0644);
    if (::lsetxattr((root + "/rt/xattr.txt").c_str(), rt_xattr_name, rt_xattr_value, std::strlen(rt_xattr_value),
                    0) != 0)
        throw_errno(std::string("setxattr ") + rt_xattr_name + " on " + root + "/rt/xattr.txt", errno);

    // chown first: it clears the setuid bit the chmod then sets.
    file("/rt/setuid", "#!/bin/true\n", 0755);
    std::string suid = root + "/rt/setuid";
    if (::lchown(suid.c_str(), 1234, 5678) != 0) throw_errno("chown 1234:5678 " + suid, errno);
    if (::chmod(suid.c_str(), 04755) != 0) throw_errno("chmod 04755 " + suid, errno);

    mkdir("/rt/private", 0700);
    file("/rt/private/secret", "only root\n", 0600);

    write_big(root + "/rt/big.bin");
    made.push_back("/rt/big.bin");
    write_sparse(root + "/rt/sparse.img");
    made.push_back("/rt/sparse.img");
    return made;
}

} // namespace conformance
