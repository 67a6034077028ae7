// tar_fixture.hpp — build small tars in memory (memfd) with libarchive, and
// read tars back, for the layout tests.
#pragma once

#include <string>
#include <vector>

struct archive;

namespace wf_test {

class TarBuilder {
public:
    explicit TarBuilder(bool gzip = false);
    ~TarBuilder();
    TarBuilder(const TarBuilder &) = delete;
    TarBuilder &operator=(const TarBuilder &) = delete;

    TarBuilder &dir(const std::string &name);
    TarBuilder &file(const std::string &name, const std::string &content = "", int mode = 0644);
    TarBuilder &symlink(const std::string &name, const std::string &target);
    TarBuilder &hardlink(const std::string &name, const std::string &target);
    TarBuilder &fifo(const std::string &name);

    // Finish the tar and return a descriptor positioned at its start. The
    // builder keeps ownership.
    int fd();

private:
    void add(const std::string &name, unsigned type, int mode, const std::string &content,
             const std::string &symlink_target, const std::string &hardlink_target);

    int fd_ = -1;
    archive *out_ = nullptr;
};

struct ReadEntry {
    std::string name;
    char type = '?'; // 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'o' other
    std::string data;
    std::string link; // symlink or hard link target
    int mode = 0;
};

// An empty memfd for output.
int make_memfd();

// Every entry of the tar in fd (read from its start).
std::vector<ReadEntry> read_tar(int fd);

} // namespace wf_test
