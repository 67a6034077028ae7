// test_env.h — small helpers the registry integration tests share: temporary
// directories, free loopback ports, finding and running programs.
#pragma once

#include "registry/registry_config.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace berth::registry::test {

// mkdtemp under the system temp dir; removed with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string &prefix = "berth-registry-test");
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();

// The program's full path via PATH, or nullopt.
std::optional<std::filesystem::path> find_program(const std::string &name);

// Runs argv to completion with stdout+stderr appended to `log`; returns the
// exit status (-1 when it could not start or died from a signal).
int run_program(const std::vector<std::string> &argv, const std::filesystem::path &log);

std::string read_file(const std::filesystem::path &p);
void write_file(const std::filesystem::path &p, const std::string &content);

// Retries fast so fault tests take milliseconds, and no certs.d lookups.
RegistryConfig fast_config();

// Deterministic pseudo-random bytes: blobs whose content matters only by digest.
std::string random_bytes(std::size_t n, unsigned seed);

} // namespace berth::registry::test
