// temp_space.h — scratch space for save and load under
// <data-root>/image/tmp: on the data root's filesystem (layers can be
// large; /tmp may be a small tmpfs), private to the daemon (0700).
// Spool files are unnamed (O_TMPFILE) so a crash leaves nothing; a load's
// extraction directory is named, so directories a crash left behind are
// swept by the next load once they are a day old.
#pragma once

#include "images/unique_fd.h"

#include <filesystem>

namespace berth::images {
class ImageService;
}

namespace berth::images::archive {

// <image-root>/tmp, created when missing.
std::filesystem::path scratch_root(ImageService &service);

// A read-write file that has no name (gone when the fd closes).
UniqueFd spool_file(const std::filesystem::path &dir);

// A new directory <parent>/<prefix><random>, mode 0700, removed with its
// content when this goes out of scope.
class PrivateDir {
public:
    PrivateDir(const std::filesystem::path &parent, const char *prefix);
    ~PrivateDir();
    PrivateDir(const PrivateDir &) = delete;
    PrivateDir &operator=(const PrivateDir &) = delete;
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Remove entries of dir named prefix* last modified over a day ago (what
// a killed load left). Best effort.
void sweep_stale(const std::filesystem::path &dir, const char *prefix) noexcept;

} // namespace berth::images::archive
