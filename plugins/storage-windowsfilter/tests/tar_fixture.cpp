// tar_fixture.cpp — see tar_fixture.hpp.
#include "tar_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wf_test {

int make_memfd() {
    int fd = ::memfd_create("windowsfilter-test", MFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error("memfd_create failed");
    return fd;
}

TarBuilder::TarBuilder(bool gzip) : fd_(make_memfd()), out_(archive_write_new()) {
    archive_write_set_format_pax_restricted(out_);
    if (gzip) archive_write_add_filter_gzip(out_);
    if (archive_write_open_fd(out_, fd_) != ARCHIVE_OK) throw std::runtime_error("archive_write_open_fd failed");
}

TarBuilder::~TarBuilder() {
    if (out_ != nullptr) archive_write_free(out_);
    if (fd_ >= 0) ::close(fd_);
}

void TarBuilder::add(const std::string &name, unsigned type, int mode, const std::string &content,
                     const std::string &symlink_target, const std::string &hardlink_target) {
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, static_cast<mode_t>(mode));
    archive_entry_set_mtime(e, 1700000000, 0);
    if (!symlink_target.empty()) archive_entry_set_symlink(e, symlink_target.c_str());
    if (!hardlink_target.empty()) archive_entry_set_hardlink(e, hardlink_target.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    if (archive_write_header(out_, e) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(out_));
    if (!content.empty()) archive_write_data(out_, content.data(), content.size());
    archive_entry_free(e);
}

TarBuilder &TarBuilder::dir(const std::string &name) {
    add(name, AE_IFDIR, 0755, "", "", "");
    return *this;
}
TarBuilder &TarBuilder::file(const std::string &name, const std::string &content, int mode) {
    add(name, AE_IFREG, mode, content, "", "");
    return *this;
}
TarBuilder &TarBuilder::symlink(const std::string &name, const std::string &target) {
    add(name, AE_IFLNK, 0777, "", target, "");
    return *this;
}
TarBuilder &TarBuilder::hardlink(const std::string &name, const std::string &target) {
    add(name, AE_IFREG, 0644, "", "", target);
    return *this;
}
TarBuilder &TarBuilder::fifo(const std::string &name) {
    add(name, AE_IFIFO, 0644, "", "", "");
    return *this;
}

int TarBuilder::fd() {
    if (out_ != nullptr) {
        archive_write_close(out_);
        archive_write_free(out_);
        out_ = nullptr;
    }
    ::lseek(fd_, 0, SEEK_SET);
    return fd_;
}

std::vector<ReadEntry> read_tar(int fd) {
    ::lseek(fd, 0, SEEK_SET);
    archive *in = archive_read_new();
    archive_read_support_format_tar(in);
    archive_read_support_filter_all(in);
    if (archive_read_open_fd(in, fd, 16384) != ARCHIVE_OK) {
        archive_read_free(in);
        throw std::runtime_error("cannot open tar");
    }
    std::vector<ReadEntry> out;
    archive_entry *e = nullptr;
    while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
        ReadEntry r;
        r.name = archive_entry_pathname(e);
        r.mode = static_cast<int>(archive_entry_perm(e));
        if (const char *h = archive_entry_hardlink(e)) {
            r.type = 'h';
            r.link = h;
        } else if (archive_entry_filetype(e) == AE_IFREG) {
            r.type = 'f';
        } else if (archive_entry_filetype(e) == AE_IFDIR) {
            r.type = 'd';
        } else if (archive_entry_filetype(e) == AE_IFLNK) {
            r.type = 'l';
            r.link = archive_entry_symlink(e);
        } else {
            r.type = 'o';
        }
        char buf[4096];
        la_ssize_t n;
        while ((n = archive_read_data(in, buf, sizeof buf)) > 0) r.data.append(buf, static_cast<size_t>(n));
        out.push_back(std::move(r));
    }
    archive_read_free(in);
    return out;
}

} // namespace wf_test
