// archive_io.hpp — owning wrappers around libarchive handles opened on file
// descriptors, so every exit path frees them.
#pragma once

#include "entry_rules.hpp"

#include <memory>

struct archive;
struct archive_entry;

namespace berth::windowsfilter {

struct archive_deleter {
    void operator()(archive *a) const noexcept;
};
using archive_ptr = std::unique_ptr<archive, archive_deleter>;

// A reader for a tar (any compression libarchive knows) on in_fd.
archive_ptr open_tar_reader(int in_fd);
// A PAX tar writer on out_fd.
archive_ptr open_tar_writer(int out_fd);

// The entry's kind as entry_rules sees it.
EntryType entry_type(archive_entry *entry);

// The entry's path name (UTF-8 when the tar says so). Never NULL.
std::string entry_name(archive_entry *entry);

// libarchive's last error text for a, for messages.
std::string archive_error(archive *a);

} // namespace berth::windowsfilter
