// path_stat.h — the X-Docker-Container-Path-Stat header of the archive
// endpoints: base64 of {"name","size","mode","mtime","linkTarget"}, where
// mode is a Go os.FileMode (type bits high up, not POSIX st_mode), which is
// what the docker CLI decodes.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace berth::containers::archive {

inline constexpr const char *kPathStatHeader = "X-Docker-Container-Path-Stat";

// Go's os.FileMode for a stat result (fillFileStatFromSys).
uint32_t go_file_mode(mode_t st_mode);

struct PathStat {
    std::string name; // filepath.Base of the requested path
    int64_t size = 0;
    uint32_t mode = 0; // Go FileMode
    int64_t mtime_sec = 0;
    int64_t mtime_nsec = 0;
    std::string link_target; // the symlink fully resolved in the container, "" otherwise
};

PathStat make_path_stat(const std::string &name, const struct stat &st, const std::string &link_target);

// {"name":..,"size":..,"mode":..,"mtime":"RFC3339Nano","linkTarget":..} in
// moby's field order.
std::string path_stat_json(const PathStat &stat);
// The header value: base64 (standard alphabet) of path_stat_json.
std::string path_stat_header(const PathStat &stat);

} // namespace berth::containers::archive
