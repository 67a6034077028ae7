// build_context.h — the daemon's copy of a build context: the request body
// (a tar, maybe gzip/bzip2/xz-compressed) extracted safely into a scratch
// directory that is removed when the BuildContext goes away. Extraction uses
// the same in-root rules as `docker cp` (containers/archive/tar_extract.h):
// no entry lands outside the directory, whatever names or symlinks the tar
// holds. .dockerignore is applied here too.
#pragma once

#include "build/context/dockerignore.h"
#include "images/unique_fd.h"

#include <filesystem>
#include <optional>
#include <string>

namespace berth::build {

class BuildContext {
public:
    // Reads tar_fd to its end and extracts it under a fresh directory in
    // scratch_parent (created 0700). Throws std::invalid_argument for a
    // body that is not a (compressed) tar; an empty body is an empty context.
    static BuildContext extract(int tar_fd, const std::filesystem::path &scratch_parent);
    ~BuildContext(); // removes the directory tree
    BuildContext(BuildContext &&) noexcept;
    BuildContext &operator=(BuildContext &&) = delete;
    BuildContext(const BuildContext &) = delete;

    const std::filesystem::path &root() const { return root_; }
    int root_fd() const { return root_fd_.get(); } // O_DIRECTORY|O_RDONLY

    // A regular file inside the context (followed in scope), nullopt when
    // missing. For the Dockerfile and .dockerignore.
    std::optional<std::string> read_file(const std::string &relative) const;

    // Delete what the matcher excludes, keeping `keep` (the Dockerfile and
    // .dockerignore paths).
    void apply_ignore(const IgnoreMatcher &matcher, const std::vector<std::string> &keep);

private:
    BuildContext() = default;
    std::filesystem::path root_;
    images::UniqueFd root_fd_;
};

} // namespace berth::build
