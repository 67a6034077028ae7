#include "tar_fixture.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>

namespace berth::containers::archive::test {

TarBuilder &TarBuilder::file(const std::string &name, const std::string &content, int mode) {
    entries_.push_back({name, content, "", AE_IFREG, mode, false, "", ""});
    return *this;
}
TarBuilder &TarBuilder::dir(const std::string &name, int mode) {
    entries_.push_back({name, "", "", AE_IFDIR, mode, false, "", ""});
    return *this;
}
TarBuilder &TarBuilder::symlink(const std::string &name, const std::string &target) {
    entries_.push_back({name, "", target, AE_IFLNK, 0777, false, "", ""});
    return *this;
}
TarBuilder &TarBuilder::hardlink(const std::string &name, const std::string &target) {
    entries_.push_back({name, "", target, AE_IFREG, 0644, true, "", ""});
    return *this;
}
TarBuilder &TarBuilder::xattr_file(const std::string &name, const std::string &key, const std::string &value) {
    entries_.push_back({name, "x", "", AE_IFREG, 0644, false, key, value});
    return *this;
}

std::string TarBuilder::bytes() const {
    std::string out;
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    archive_write_set_bytes_in_last_block(a.get(), 1);
    archive_write_open2(
        a.get(), &out, nullptr,
        [](struct archive *, void *o, const void *buf, size_t len) -> la_ssize_t {
            static_cast<std::string *>(o)->append(static_cast<const char *>(buf), len);
            return static_cast<la_ssize_t>(len);
        },
        nullptr, nullptr);
    for (const auto &e : entries_) {
        std::unique_ptr<archive_entry, void (*)(archive_entry *)> h(archive_entry_new(), archive_entry_free);
        archive_entry_copy_pathname(h.get(), e.name.c_str());
        archive_entry_set_filetype(h.get(), static_cast<unsigned>(e.type));
        archive_entry_set_perm(h.get(), static_cast<mode_t>(e.mode));
        archive_entry_set_mtime(h.get(), 1700000000, 0);
        if (e.hard) {
            archive_entry_copy_hardlink(h.get(), e.link.c_str());
        } else if (e.type == AE_IFLNK) {
            archive_entry_copy_symlink(h.get(), e.link.c_str());
        }
        if (!e.xattr_key.empty())
            archive_entry_xattr_add_entry(h.get(), e.xattr_key.c_str(), e.xattr_value.data(), e.xattr_value.size());
        archive_entry_set_size(h.get(), e.type == AE_IFREG && !e.hard ? static_cast<la_int64_t>(e.content.size()) : 0);
        if (archive_write_header(a.get(), h.get()) != ARCHIVE_OK)
            throw std::runtime_error(std::string("tar fixture: ") + archive_error_string(a.get()));
        if (!e.content.empty()) archive_write_data(a.get(), e.content.data(), e.content.size());
    }
    archive_write_close(a.get());
    return out;
}

std::vector<TarEntry> read_tar(const std::string &bytes) {
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw std::runtime_error(std::string("read_tar: ") + archive_error_string(a.get()));
    std::vector<TarEntry> out;
    for (;;) {
        archive_entry *h = nullptr;
        const int rc = archive_read_next_header(a.get(), &h);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK) throw std::runtime_error(std::string("read_tar: ") + archive_error_string(a.get()));
        TarEntry e;
        e.name = archive_entry_pathname(h);
        e.mode = archive_entry_perm(h);
        e.mtime = archive_entry_mtime(h);
        e.mtime_nsec = archive_entry_mtime_nsec(h);
        if (const char *l = archive_entry_hardlink(h)) {
            e.type = 'h';
            e.link = l;
        } else {
            switch (archive_entry_filetype(h)) {
            case AE_IFREG: e.type = 'f'; break;
            case AE_IFDIR: e.type = 'd'; break;
            case AE_IFLNK:
                e.type = 'l';
                e.link = archive_entry_symlink(h);
                break;
            case AE_IFIFO: e.type = 'p'; break;
            case AE_IFCHR: e.type = 'c'; break;
            case AE_IFBLK: e.type = 'b'; break;
            default: break;
            }
        }
        const char *key = nullptr;
        const void *value = nullptr;
        size_t size = 0;
        archive_entry_xattr_reset(h);
        while (archive_entry_xattr_next(h, &key, &value, &size) == ARCHIVE_OK)
            if (std::string(key) == "security.capability") e.capability.assign(static_cast<const char *>(value), size);
        char buf[8192];
        la_ssize_t n;
        while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) e.content.append(buf, size_t(n));
        if (n < 0) throw std::runtime_error(std::string("read_tar: ") + archive_error_string(a.get()));
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<std::string> names(const std::vector<TarEntry> &entries) {
    std::vector<std::string> out;
    for (const auto &e : entries) out.push_back(e.name);
    return out;
}

} // namespace berth::containers::archive::test
