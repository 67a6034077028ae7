#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon_client.h"

// The local half of `cp`: the X-Docker-Container-Path-Stat header, and tar
// archives of local paths (to PUT into a container) or from a container
// (extracted locally), through libarchive.
namespace berth::cli {

// {"name","size","mode","mtime","linkTarget"}, mode in Go's os.FileMode bits.
struct ContainerPathStat {
    std::string name;
    std::int64_t size = 0;
    std::uint32_t mode = 0;
    std::string mtime;
    std::string link_target;

    bool is_dir() const { return (mode & (1u << 31)) != 0; }
    bool is_symlink() const { return (mode & (1u << 27)) != 0; }
};

// Decodes the header value (standard base64 of JSON); nullopt when it is
// missing or malformed.
std::optional<ContainerPathStat> decode_path_stat(std::string_view header);

// Writes a tar of `source` (a file, directory or symlink; directories
// recursively) to the open file `fd`, its top entry named `top_name`.
// `follow_link`: a symlink `source` is archived as what it points to.
// Throws CliError.
void write_tar(const std::string& source, const std::string& top_name, bool follow_link, int fd);

// Extracts the tar in the open file `fd` under directory `dest_dir`,
// renaming a top entry `from_name` (and everything under it) to `to_name`
// when they differ. Refuses entries that would land outside dest_dir.
void extract_tar(int fd, const std::string& dest_dir, const std::string& from_name, const std::string& to_name);

}  // namespace berth::cli
