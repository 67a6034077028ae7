// tar_plan.hpp — the order and content of a layer tar for a list of
// changes, shared by write_tar (which writes it) and content_size (which
// only adds up sizes).
#pragma once

#include "internal.hpp"

namespace berth::layertar::detail {

class PlanSink {
public:
    virtual ~PlanSink() = default;
    // One entry from disk, `name` inside dirfd, tar name `path`. For a
    // regular file (when the plan opens files) fd is open for reading and
    // st came from it; otherwise fd is -1.
    virtual void entry(const std::string &path, int dirfd, const std::string &name, int fd, const struct stat &st) = 0;
    // An empty regular file: a ".wh." whiteout or an opaque marker.
    virtual void marker(const std::string &path) = 0;
};

// Sorts and deduplicates the changes, then feeds the sink parent
// directories first, each directory once, deleted paths as whiteouts.
// Nothing on the way is followed if it is a symlink. A path that vanished
// since the changes were taken is skipped (docker does the same).
void walk_plan(const std::filesystem::path &root, const std::vector<Change> &changes, PlanSink &sink, bool open_files);

} // namespace berth::layertar::detail
