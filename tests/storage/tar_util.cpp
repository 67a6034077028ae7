// tar_util.cpp — see tar_util.hpp.
#include "tar_util.hpp"

#include <archive.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

namespace storage_test {

Fd &Fd::operator=(Fd &&o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd memfd(const char *name) {
    Fd fd(::memfd_create(name, MFD_CLOEXEC));
    if (fd.get() < 0) throw std::runtime_error("memfd_create failed");
    return fd;
}

Member file(std::string path, std::string data, int64_t uid, int64_t gid) {
    Member m;
    m.path = std::move(path);
    m.data = std::move(data);
    m.uid = uid;
    m.gid = gid;
    return m;
}

Member dir(std::string path, int64_t uid, int64_t gid) {
    Member m;
    m.path = std::move(path);
    m.type = AE_IFDIR;
    m.perm = 0755;
    m.uid = uid;
    m.gid = gid;
    return m;
}

Member symlink_to(std::string path, std::string target, int64_t uid, int64_t gid) {
    Member m;
    m.path = std::move(path);
    m.type = AE_IFLNK;
    m.perm = 0777;
    m.link = std::move(target);
    m.uid = uid;
    m.gid = gid;
    return m;
}

Member hardlink_to(std::string path, std::string target, int64_t uid, int64_t gid) {
    Member m = file(std::move(path), {}, uid, gid);
    m.link = std::move(target);
    m.hardlink = true;
    return m;
}

Fd make_tar(const std::vector<Member> &members) {
    Fd fd = memfd("layer.tar");
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    if (archive_write_open_fd(a.get(), fd.get()) != ARCHIVE_OK) throw std::runtime_error("archive_write_open_fd");
    for (const Member &m : members) {
        std::unique_ptr<struct archive_entry, void (*)(struct archive_entry *)> e(archive_entry_new(),
                                                                               archive_entry_free);
        archive_entry_set_pathname(e.get(), m.path.c_str());
        archive_entry_set_filetype(e.get(), m.type);
        archive_entry_set_perm(e.get(), m.perm);
        archive_entry_set_uid(e.get(), m.uid);
        archive_entry_set_gid(e.get(), m.gid);
        archive_entry_set_mtime(e.get(), 1700000000, 0);
        archive_entry_set_size(e.get(), m.type == AE_IFREG && !m.hardlink ? static_cast<int64_t>(m.data.size()) : 0);
        if (m.type == AE_IFLNK) archive_entry_set_symlink(e.get(), m.link.c_str());
        if (m.hardlink) archive_entry_set_hardlink(e.get(), m.link.c_str());
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK)
            throw std::runtime_error("write header of " + m.path + ": " + archive_error_string(a.get()));
        if (!m.data.empty() && !m.hardlink) archive_write_data(a.get(), m.data.data(), m.data.size());
    }
    archive_write_close(a.get());
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

std::map<std::string, Ids> tar_owners(int fd) {
    std::map<std::string, Ids> out;
    ::lseek(fd, 0, SEEK_SET);
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_fd(a.get(), fd, 65536) != ARCHIVE_OK)
        throw std::runtime_error(std::string("read tar: ") + archive_error_string(a.get()));
    struct archive_entry *e = nullptr;
    while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
        std::string name = archive_entry_pathname(e);
        if (name.size() > 1 && name.back() == '/') name.pop_back();
        out[name] = Ids{archive_entry_uid(e), archive_entry_gid(e)};
    }
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

} // namespace storage_test
