// copy_sources.h — COPY/ADD sources found in their root: cleaned so ".."
// cannot leave it, globs expanded with Go's filepath.Match per element
// (matches sorted), each match opened with the root as "/" so a symlink
// named as a source is followed but never out of the root.
#pragma once

#include "build/context/copy_plan.h"
#include "images/unique_fd.h"

struct archive;

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

namespace berth::build {

struct CopySource {
    std::string path;    // cleaned, relative to the root: "src/a.txt", "." for the root
    std::string base;    // the name a file is copied under in a directory dest
    images::UniqueFd fd; // opened O_RDONLY (symlinks followed in scope)
    struct stat st {};
    bool archive = false; // ADD: a (compressed) tar, unpacked instead of copied
};

// Throws CopyError for a URL, a bad glob or a source matching nothing.
std::vector<CopySource> resolve_sources(int root_fd, const CopyRequest &request);

// Whether fd (a regular file, read from offset 0 and rewound) holds a tar,
// plain or gzip/bzip2/xz/zstd-compressed, judged by its content.
bool is_tar_archive(int fd);

// A libarchive reader for what ADD unpacks: tar or GNU tar, plain or
// gzip/bzip2/xz/zstd-compressed. Freed with archive_read_free.
using TarReader = std::unique_ptr<struct archive, int (*)(struct archive *)>;
TarReader new_add_archive_reader();

// The error prefix: "COPY failed: " or "ADD failed: ".
std::string failed_prefix(const CopyRequest &request);

} // namespace berth::build
