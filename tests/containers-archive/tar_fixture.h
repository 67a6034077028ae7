// tar_fixture.h — build tars in memory (including hostile ones) and read
// tars back as entry lists, for the container filesystem tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::containers::archive::test {

class TarBuilder {
public:
    TarBuilder &file(const std::string &name, const std::string &content, int mode = 0644);
    TarBuilder &dir(const std::string &name, int mode = 0755);
    TarBuilder &symlink(const std::string &name, const std::string &target);
    TarBuilder &hardlink(const std::string &name, const std::string &target);
    TarBuilder &xattr_file(const std::string &name, const std::string &key, const std::string &value);
    std::string bytes() const; // the whole tar, with its end marker

private:
    struct Entry {
        std::string name, content, link;
        int type = 0; // AE_IF*
        int mode = 0;
        bool hard = false;
        std::string xattr_key, xattr_value;
    };
    std::vector<Entry> entries_;
};

struct TarEntry {
    std::string name;
    char type = '?';  // 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'p' fifo, 'c'/'b' devices
    std::string link; // symlink target or hard link target
    std::string content;
    int mode = 0; // permission bits
    int64_t mtime = 0;
    int64_t mtime_nsec = 0;
    std::string capability; // security.capability xattr, if any
};

// Every entry of a tar; throws if it does not parse to its end.
std::vector<TarEntry> read_tar(const std::string &bytes);
std::vector<std::string> names(const std::vector<TarEntry> &entries);

} // namespace berth::containers::archive::test
