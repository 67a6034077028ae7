#include "test_tar.h"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

namespace berth::distribution::test {

std::string make_tar(const std::map<std::string, std::string> &files, Compression compression) {
    std::string out;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (compression == Compression::Gzip) {
        archive_write_add_filter_gzip(a);
        archive_write_set_filter_option(a, "gzip", "timestamp", nullptr); // reproducible bytes
    } else if (compression == Compression::Zstd) {
        if (archive_write_add_filter_zstd(a) != ARCHIVE_OK)
            throw std::runtime_error(std::string("libarchive cannot write zstd: ") + archive_error_string(a));
    }
    archive_write_set_bytes_in_last_block(a, 1);
    auto write_cb = [](struct archive *, void *data, const void *buf, size_t len) -> la_ssize_t {
        static_cast<std::string *>(data)->append(static_cast<const char *>(buf), len);
        return la_ssize_t(len);
    };
    if (archive_write_open(a, &out, nullptr, write_cb, nullptr) != ARCHIVE_OK)
        throw std::runtime_error(std::string("tar: ") + archive_error_string(a));
    for (const auto &[name, content] : files) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, la_int64_t(content.size()));
        archive_entry_set_mtime(e, 1700000000, 0);
        archive_write_header(a, e);
        archive_write_data(a, content.data(), content.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

} // namespace berth::distribution::test
