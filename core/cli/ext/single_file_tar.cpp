// The Dockerfile-only build context of `berth build -f -` as a one-file tar
// (inside the CLI extension module, for libarchive).

#include "ext/local_tar.h"

#include <ctime>
#include <memory>

#include <archive.h>
#include <archive_entry.h>

#include "errors.h"

namespace berth::cli::ext {

std::string single_file_tar(const std::string& name, std::string_view content) {
    std::string out;
    const auto write_cb = [](archive*, void* data, const void* bytes, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(bytes), n);
        return static_cast<la_ssize_t>(n);
    };
    std::unique_ptr<archive, decltype(&archive_write_free)> tar(archive_write_new(), archive_write_free);
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    if (!tar || !entry) throw CliError("out of memory building the context tar");
    archive_write_set_format_pax_restricted(tar.get());
    // Block size 512 without padding to 10 KiB, as Go's archive/tar writes.
    archive_write_set_bytes_per_block(tar.get(), 512);
    if (archive_write_open(tar.get(), &out, nullptr, write_cb, nullptr) != ARCHIVE_OK)
        throw CliError(std::string("cannot build the context tar: ") + archive_error_string(tar.get()));
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0600);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
    archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
    if (archive_write_header(tar.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(tar.get(), content.data(), content.size()) < 0 || archive_write_close(tar.get()) != ARCHIVE_OK)
        throw CliError(std::string("cannot build the context tar: ") + archive_error_string(tar.get()));
    return out;
}

}  // namespace berth::cli::ext
