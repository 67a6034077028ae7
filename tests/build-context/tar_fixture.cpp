// tar_fixture.cpp — libarchive in, libarchive out, for the tests.
#include "tar_fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace berth::build::test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bctx-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

images::UniqueFd TempDir::open() const {
    images::UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw std::system_error(errno, std::generic_category(), "open " + path_.string());
    return fd;
}

void write_file(const std::filesystem::path &path, const std::string &content, mode_t mode) {
    std::filesystem::create_directories(path.parent_path());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
    }
    ::chmod(path.c_str(), mode);
}

std::string read_whole(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

images::UniqueFd memfd_with(const std::string &bytes) {
    images::UniqueFd fd(::memfd_create("bctx-test", MFD_CLOEXEC));
    if (!fd) throw std::system_error(errno, std::generic_category(), "memfd_create");
    if (!bytes.empty() && ::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
        throw std::system_error(errno, std::generic_category(), "write memfd");
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

std::string fd_bytes(int fd) {
    std::string out;
    char buf[65536];
    ::lseek(fd, 0, SEEK_SET);
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

images::UniqueFd make_tar(const std::vector<TarEntry> &entries, const std::string &compression) {
    images::UniqueFd fd(::memfd_create("bctx-tar", MFD_CLOEXEC));
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    if (compression == "gzip") archive_write_add_filter_gzip(a.get());
    if (compression == "bzip2") archive_write_add_filter_bzip2(a.get());
    if (compression == "xz") archive_write_add_filter_xz(a.get());
    if (archive_write_open_fd(a.get(), fd.get()) != ARCHIVE_OK) throw std::runtime_error("archive open");
    for (const auto &t : entries) {
        std::unique_ptr<archive_entry, void (*)(archive_entry *)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), t.name.c_str());
        archive_entry_set_perm(e.get(), t.mode);
        archive_entry_set_uid(e.get(), t.uid);
        archive_entry_set_gid(e.get(), t.gid);
        archive_entry_set_mtime(e.get(), t.mtime, 0);
        switch (t.type) {
        case 'd': archive_entry_set_filetype(e.get(), AE_IFDIR); break;
        case 'l':
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_symlink(e.get(), t.content.c_str());
            break;
        case 'h':
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_hardlink(e.get(), t.content.c_str());
            break;
        default:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_size(e.get(), static_cast<la_int64_t>(t.content.size()));
        }
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) throw std::runtime_error("archive header");
        if (t.type == 'f' && !t.content.empty()) archive_write_data(a.get(), t.content.data(), t.content.size());
    }
    archive_write_close(a.get());
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

std::vector<TarEntry> read_tar(int fd) {
    ::lseek(fd, 0, SEEK_SET);
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_all(a.get());
    std::vector<TarEntry> out;
    if (archive_read_open_fd(a.get(), fd, 65536) != ARCHIVE_OK)
        throw std::runtime_error(std::string("not a tar: ") + archive_error_string(a.get()));
    for (;;) {
        archive_entry *e = nullptr;
        const int rc = archive_read_next_header(a.get(), &e);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK) throw std::runtime_error(std::string("bad tar: ") + archive_error_string(a.get()));
        TarEntry t;
        t.name = archive_entry_pathname(e);
        t.mode = archive_entry_perm(e);
        t.uid = static_cast<uid_t>(archive_entry_uid(e));
        t.gid = static_cast<gid_t>(archive_entry_gid(e));
        t.mtime = archive_entry_mtime(e);
        const auto type = archive_entry_filetype(e);
        if (archive_entry_hardlink(e)) {
            t.type = 'h';
            t.content = archive_entry_hardlink(e);
        } else if (type == AE_IFDIR) {
            t.type = 'd';
        } else if (type == AE_IFLNK) {
            t.type = 'l';
            t.content = archive_entry_symlink(e);
        } else {
            t.type = type == AE_IFREG ? 'f' : '?';
            char buf[65536];
            for (la_ssize_t n; (n = archive_read_data(a.get(), buf, sizeof buf)) > 0;)
                t.content.append(buf, static_cast<size_t>(n));
        }
        out.push_back(std::move(t));
    }
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

std::map<std::string, TarEntry> by_name(const std::vector<TarEntry> &entries) {
    std::map<std::string, TarEntry> out;
    for (const auto &e : entries) out[e.name] = e;
    return out;
}

std::vector<std::string> names(const std::vector<TarEntry> &entries) {
    std::vector<std::string> out;
    for (const auto &e : entries) out.push_back(e.name);
    return out;
}

} // namespace berth::build::test
