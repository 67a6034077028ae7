#include "images/archive/temp_space.h"

#include "images/content_store.h"
#include "images/fs_util.h"
#include "images/image_service.h"
#include "images/random_id.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::images::archive {

std::filesystem::path scratch_root(ImageService &service) {
    // The content store's ingest dir is <image-root>/ingest.
    const auto dir = service.content().ingest_dir().parent_path() / "tmp";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) fsx::throw_errno("create " + dir.string(), errno);
    return dir;
}

UniqueFd spool_file(const std::filesystem::path &dir) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return UniqueFd(fd);
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string name = (dir / "spool-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) fsx::throw_errno("create spool file in " + dir.string(), errno);
    ::unlink(name.c_str());
    return UniqueFd(fd);
}

PrivateDir::PrivateDir(const std::filesystem::path &parent, const char *prefix)
    : path_(parent / (std::string(prefix) + random_hex(8))) {
    if (::mkdir(path_.c_str(), 0700) != 0) fsx::throw_errno("create " + path_.string(), errno);
}

PrivateDir::~PrivateDir() { fsx::remove_tree(path_); }

void sweep_stale(const std::filesystem::path &dir, const char *prefix) noexcept {
    std::error_code ec;
    const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!entry.path().filename().string().starts_with(prefix)) continue;
        const auto mtime = entry.last_write_time(ec);
        if (!ec && mtime < cutoff) fsx::remove_tree(entry.path());
    }
}

} // namespace berth::images::archive
