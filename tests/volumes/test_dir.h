// test_dir.h — a private scratch directory per test, removed when the test
// ends, pass or fail. Anything a test mounted inside is unmounted first, so
// a failed assertion never leaves a mount behind (nor lets the removal
// walk into a bind-mounted directory).
#pragma once

#include "volumes/volume_mount.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

class TestDir {
public:
    TestDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "berth-volume-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TestDir() {
        for (const auto &m : berth::volumes::mounts_under(path_)) ::umount2(m.c_str(), MNT_DETACH);
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TestDir(const TestDir &) = delete;
    TestDir &operator=(const TestDir &) = delete;

    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline bool running_as_root() { return ::geteuid() == 0; }
