#include "volumes/disk_usage.h"

#include <sys/stat.h>

#include <set>
#include <utility>

namespace berth::volumes {

int64_t directory_size(const std::filesystem::path &dir) {
    namespace fs = std::filesystem;
    struct stat root{};
    if (::lstat(dir.c_str(), &root) != 0) return 0;
    std::set<std::pair<dev_t, ino_t>> seen;
    int64_t total = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        struct stat st{};
        if (::lstat(it->path().c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            // Another filesystem mounted inside is not this volume's data.
            if (st.st_dev != root.st_dev) it.disable_recursion_pending();
            continue;
        }
        if (st.st_size == 0 || !seen.emplace(st.st_dev, st.st_ino).second) continue;
        total += st.st_size;
    }
    return total;
}

} // namespace berth::volumes
