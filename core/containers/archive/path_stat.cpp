#include "containers/archive/path_stat.h"

#include "images/time_format.h"
#include "registry/base64.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace berth::containers::archive {
namespace {

// Go's os.FileMode type and special bits (io/fs).
constexpr uint32_t kModeDir = 1u << 31;
constexpr uint32_t kModeSymlink = 1u << 27;
constexpr uint32_t kModeDevice = 1u << 26;
constexpr uint32_t kModeNamedPipe = 1u << 25;
constexpr uint32_t kModeSocket = 1u << 24;
constexpr uint32_t kModeSetuid = 1u << 23;
constexpr uint32_t kModeSetgid = 1u << 22;
constexpr uint32_t kModeCharDevice = 1u << 21;
constexpr uint32_t kModeSticky = 1u << 20;

} // namespace

uint32_t go_file_mode(mode_t m) {
    uint32_t mode = m & 0777;
    switch (m & S_IFMT) {
    case S_IFDIR: mode |= kModeDir; break;
    case S_IFLNK: mode |= kModeSymlink; break;
    case S_IFBLK: mode |= kModeDevice; break;
    case S_IFCHR: mode |= kModeDevice | kModeCharDevice; break;
    case S_IFIFO: mode |= kModeNamedPipe; break;
    case S_IFSOCK: mode |= kModeSocket; break;
    default: break;
    }
    if (m & S_ISUID) mode |= kModeSetuid;
    if (m & S_ISGID) mode |= kModeSetgid;
    if (m & S_ISVTX) mode |= kModeSticky;
    return mode;
}

PathStat make_path_stat(const std::string &name, const struct stat &st, const std::string &link_target) {
    PathStat s;
    s.name = name;
    s.size = st.st_size;
    s.mode = go_file_mode(st.st_mode);
    s.mtime_sec = st.st_mtim.tv_sec;
    s.mtime_nsec = st.st_mtim.tv_nsec;
    s.link_target = link_target;
    return s;
}

std::string path_stat_json(const PathStat &s) {
    const auto mtime =
        std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(s.mtime_sec) + std::chrono::nanoseconds(s.mtime_nsec)));
    nlohmann::ordered_json j;
    j["name"] = s.name;
    j["size"] = s.size;
    j["mode"] = s.mode;
    j["mtime"] = images::format_rfc3339_nano(mtime);
    j["linkTarget"] = s.link_target;
    return j.dump();
}

std::string path_stat_header(const PathStat &s) { return registry::detail::base64_encode(path_stat_json(s)); }

} // namespace berth::containers::archive
