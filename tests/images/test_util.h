// test_util.h — scratch directories and byte sources for the image tests.
#pragma once

#include "images/unique_fd.h"

#include <filesystem>
#include <string>

namespace berth::images::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its content.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

// An fd that reads `bytes` to EOF (an unlinked temp file: no pipe buffer
// limit, no writer thread).
UniqueFd fd_with(const std::string &bytes);

// Set a file's mtime this many seconds into the past.
void age_file(const std::filesystem::path &path, long seconds);

std::string read_all(const std::filesystem::path &path);
void write_all(const std::filesystem::path &path, const std::string &bytes);

} // namespace berth::images::test
