// tar_build.hpp — generate the OCI layer tars the kit feeds to apply_diff,
// with libarchive directly: the kit must not share code (layertar) with the
// drivers it judges. Names are written exactly as given, so a case can
// produce the hostile entries ("../escape", absolute names) it tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace conformance {

struct TarSpec {
    enum class Type { file, dir, symlink, hardlink, fifo };
    Type type = Type::file;
    std::string path;    // the entry name, verbatim
    std::string content; // file
    std::string target;  // symlink target or hard-link target (an entry name)
    unsigned mode = 0644;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;
};

TarSpec tar_file(const std::string &path, const std::string &content, unsigned mode = 0644);
TarSpec tar_dir(const std::string &path, unsigned mode = 0755);
TarSpec tar_symlink(const std::string &path, const std::string &target);
TarSpec tar_hardlink(const std::string &path, const std::string &target);
// An OCI whiteout for dir/name: the empty file dir/.wh.name.
TarSpec tar_whiteout(const std::string &dir, const std::string &name);
// An OCI opaque marker for dir: dir/.wh..wh..opq.
TarSpec tar_opaque(const std::string &dir);

// Write an uncompressed PAX tar to path. Throws std::runtime_error.
void write_tar(const std::string &path, const std::vector<TarSpec> &entries);

// The content bytes of the regular files in entries: what apply_diff must
// report as *out_size.
long long content_bytes(const std::vector<TarSpec> &entries);

} // namespace conformance
