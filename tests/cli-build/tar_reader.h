#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <archive.h>
#include <archive_entry.h>

// Test helper: the entries of an uncompressed tar held in memory, name to
// content ("" for directories), to check what `berth build` sent.
inline std::map<std::string, std::string> tar_entries(std::string_view tar) {
    std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_memory(a.get(), tar.data(), tar.size()) != ARCHIVE_OK)
        throw std::runtime_error("not a tar");
    std::map<std::string, std::string> out;
    archive_entry* entry = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
        std::string content;
        char buffer[4096];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a.get(), buffer, sizeof buffer)) > 0)
            content.append(buffer, static_cast<std::size_t>(n));
        out[archive_entry_pathname(entry)] = content;
    }
    if (rc != ARCHIVE_EOF) throw std::runtime_error(std::string("bad tar: ") + archive_error_string(a.get()));
    return out;
}
