// tar_fixture.h — what the build-context tests share: a scratch directory
// removed afterwards, files written into it, tars built in memory and
// tars read back into a list of entries to assert on.
#pragma once

#include "images/unique_fd.h"

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace berth::build::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }
    std::filesystem::path operator/(const std::string &rel) const { return path_ / rel; }
    images::UniqueFd open() const; // O_RDONLY|O_DIRECTORY

private:
    std::filesystem::path path_;
};

// Creates parents as needed.
void write_file(const std::filesystem::path &path, const std::string &content, mode_t mode = 0644);
std::string read_whole(const std::filesystem::path &path);

struct TarEntry {
    std::string name;
    char type = 'f'; // 'f', 'd', 'l', 'h' (hard link)
    mode_t mode = 0644;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string content; // file data, or the link target
    long long mtime = 0;
};

// A tar of entries in a memfd, rewound; compression: "none", "gzip",
// "bzip2", "xz".
images::UniqueFd make_tar(const std::vector<TarEntry> &entries, const std::string &compression = "none");
// Bytes of a file (rewound) as a string, and a memfd holding bytes.
std::string fd_bytes(int fd);
images::UniqueFd memfd_with(const std::string &bytes);

// All entries of the tar in fd (read from offset 0), in order.
std::vector<TarEntry> read_tar(int fd);
// name -> entry, for lookups.
std::map<std::string, TarEntry> by_name(const std::vector<TarEntry> &entries);
std::vector<std::string> names(const std::vector<TarEntry> &entries);

} // namespace berth::build::test
