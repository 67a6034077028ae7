// copy_tar.cpp — libarchive writing for COPY/ADD tars (PAX, whole-second
// mtimes, numeric owners only) and the SHA-256 behind their checksums.
#include "build/context/copy_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>

namespace berth::build {

CopyChecksum::CopyChecksum() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("sha256: cannot initialise");
}

CopyChecksum::~CopyChecksum() { EVP_MD_CTX_free(ctx_); }

void CopyChecksum::entry(const std::string &key, char type, mode_t perm, uid_t uid, gid_t gid,
                         const std::string &link_target, unsigned long long size) {
    // NUL-separated fields, then exactly `size` content bytes: no two
    // different entry lists give the same stream.
    std::string rec = key;
    rec += '\0';
    rec += type;
    rec += '\0' + std::to_string(perm & 07777) + '\0' + std::to_string(uid) + ':' + std::to_string(gid) + '\0';
    rec += link_target;
    rec += '\0' + std::to_string(size) + '\n';
    content(rec.data(), rec.size());
}

void CopyChecksum::content(const void *data, size_t len) {
    if (len && EVP_DigestUpdate(ctx_, data, len) != 1) throw std::runtime_error("sha256: update failed");
}

std::string CopyChecksum::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &n) != 1) throw std::runtime_error("sha256: final failed");
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 0xf];
    }
    return out;
}

CopyTarOut::CopyTarOut(int fd) : a_(archive_write_new()) {
    if (a_ == nullptr) throw std::runtime_error("tar: out of memory");
    archive_write_set_format_pax_restricted(a_);
    archive_write_set_bytes_in_last_block(a_, 1);
    if (archive_write_open_fd(a_, fd) != ARCHIVE_OK) fail("open");
}

CopyTarOut::~CopyTarOut() {
    // An abandoned tar goes with its unlinked scratch file, so closing it
    // normally is harmless; archive_write_fail would leak libarchive's
    // write buffer, which only a close frees.
    if (!finished_) archive_write_close(a_);
    archive_write_free(a_);
}

void CopyTarOut::header(const std::string &name, mode_t mode_type, mode_t perm, uid_t uid, gid_t gid, time_t mtime,
                        unsigned long long size, const std::string &link_target, dev_t rdev) {
    std::unique_ptr<archive_entry, void (*)(archive_entry *)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), (mode_type == S_IFDIR ? name + "/" : name).c_str());
    archive_entry_set_filetype(e.get(), mode_type);
    archive_entry_set_perm(e.get(), perm & 07777);
    archive_entry_set_uid(e.get(), uid);
    archive_entry_set_gid(e.get(), gid);
    archive_entry_set_mtime(e.get(), mtime, 0);
    archive_entry_set_size(e.get(), mode_type == S_IFREG ? static_cast<la_int64_t>(size) : 0);
    if (mode_type == S_IFLNK) archive_entry_set_symlink(e.get(), link_target.c_str());
    if (mode_type == S_IFCHR || mode_type == S_IFBLK) archive_entry_set_rdev(e.get(), rdev);
    header(e.get());
}

void CopyTarOut::header(archive_entry *entry) {
    if (archive_write_header(a_, entry) != ARCHIVE_OK) fail(std::string("header of ") + archive_entry_pathname(entry));
}

void CopyTarOut::data(const void *buf, size_t len) {
    if (len && archive_write_data(a_, buf, len) < 0) fail("write");
}

void CopyTarOut::finish() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail("close");
    finished_ = true;
}

void CopyTarOut::fail(const std::string &what) {
    const char *msg = archive_error_string(a_);
    throw std::runtime_error("tar " + what + ": " + (msg ? msg : "failed"));
}

} // namespace berth::build
