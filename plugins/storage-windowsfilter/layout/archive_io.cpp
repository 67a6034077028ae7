// archive_io.cpp — see archive_io.hpp.
#include "archive_io.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>

namespace berth::windowsfilter {

void archive_deleter::operator()(archive *a) const noexcept {
    // archive_free also frees reader and writer state; for a writer it first
    // closes, which is why a failed conversion's trailer may still be written.
    archive_free(a);
}

std::string archive_error(archive *a) {
    const char *msg = archive_error_string(a);
    return msg != nullptr ? msg : "unknown libarchive error";
}

archive_ptr open_tar_reader(int in_fd) {
    archive_ptr a(archive_read_new());
    if (!a) throw std::bad_alloc();
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_all(a.get());
    if (archive_read_open_fd(a.get(), in_fd, 64 * 1024) != ARCHIVE_OK)
        throw LayoutError("", "cannot read layer tar: " + archive_error(a.get()));
    return a;
}

archive_ptr open_tar_writer(int out_fd) {
    archive_ptr a(archive_write_new());
    if (!a) throw std::bad_alloc();
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_open_fd(a.get(), out_fd) != ARCHIVE_OK)
        throw LayoutError("", "cannot write tar: " + archive_error(a.get()));
    return a;
}

EntryType entry_type(archive_entry *entry) {
    if (archive_entry_hardlink(entry) != nullptr) return EntryType::hardlink;
    switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return EntryType::regular;
    case AE_IFDIR: return EntryType::directory;
    case AE_IFLNK: return EntryType::symlink;
    default: return EntryType::other;
    }
}

std::string entry_name(archive_entry *entry) {
    const char *name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) name = archive_entry_pathname(entry);
    return name != nullptr ? name : "";
}

} // namespace berth::windowsfilter
