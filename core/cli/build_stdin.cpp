#include "build_stdin.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <istream>
#include <memory>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include "errors.h"

namespace berth::cli {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The octal number of a tar header field (NUL/space terminated).
long long octal_field(std::string_view field) {
    long long value = 0;
    std::size_t i = 0;
    while (i < field.size() && field[i] == ' ') ++i;
    bool any = false;
    for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
        value = value * 8 + (field[i] - '0');
        any = true;
    }
    return any ? value : -1;
}

}  // namespace

std::size_t read_stdin(const Console& console, char* buffer, std::size_t capacity) {
    if (console.in_fd >= 0) {
        for (;;) {
            const ssize_t got = ::read(console.in_fd, buffer, capacity);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno == EINTR) continue;
            throw CliError(std::string("failed to read from stdin: ") + std::strerror(errno));
        }
    }
    if (console.in == nullptr) return 0;
    console.in->read(buffer, static_cast<std::streamsize>(capacity));
    return static_cast<std::size_t>(console.in->gcount());
}

std::string read_all_stdin(const Console& console) {
    std::string all;
    char buffer[65536];
    while (const std::size_t got = read_stdin(console, buffer, sizeof buffer)) all.append(buffer, got);
    return all;
}

bool looks_like_archive(std::string_view head) {
    if (starts_with(head, "\x1f\x8b\x08") || starts_with(head, "BZh") ||
        starts_with(head, std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6)) ||
        starts_with(head, "\x28\xb5\x2f\xfd"))
        return true;
    // A tar header: 512 bytes whose checksum field (148..155) equals the sum
    // of all bytes with that field counted as spaces. Go's tar reader also
    // accepts the signed sum some old tars wrote.
    if (head.size() < 512) return false;
    const long long recorded = octal_field(head.substr(148, 8));
    if (recorded < 0) return false;
    long long unsigned_sum = 0, signed_sum = 0;
    for (std::size_t i = 0; i < 512; ++i) {
        const bool in_field = i >= 148 && i < 156;
        unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(head[i]);
        signed_sum += in_field ? ' ' : static_cast<signed char>(head[i]);
    }
    return recorded == unsigned_sum || recorded == signed_sum;
}

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

}  // namespace berth::cli
