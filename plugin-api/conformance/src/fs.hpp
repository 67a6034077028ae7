// fs.hpp — file-system helpers the cases use to write into and read from a
// layer's mounted root. Each throws std::runtime_error naming the path and
// the errno text, so a case's FAIL line says which file the layer refused.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace conformance {

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&o) noexcept : fd_(o.release()) {}
    Fd &operator=(Fd &&o) noexcept;
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd();
    int get() const { return fd_; }
    int release() { int f = fd_; fd_ = -1; return f; }

private:
    int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string &what, int err);

// Create (or truncate) path with content, then chmod to mode exactly (the
// umask must not decide a mode the case later compares).
void write_file(const std::string &path, std::string_view content, mode_t mode = 0644);
std::string read_file(const std::string &path);
// mkdir -p; every created directory gets mode.
void make_dirs(const std::string &path, mode_t mode = 0755);
bool lexists(const std::string &path);
// Names in a directory, sorted, without "." and "..".
std::vector<std::string> list_dir(const std::string &path);
// mkdtemp(parent/prefixXXXXXX).
std::string make_temp_dir(const std::string &parent, const std::string &prefix);
// Remove a tree without following symlinks and without crossing into
// another mount (a driver's leftover mount must not lose its data to the
// kit's clean-up). Returns false and says why on stderr if something stays.
bool remove_tree(const std::string &path);
// Lowercase hex of nbytes random bytes (getrandom).
std::string random_hex(size_t nbytes);
// The content fingerprint of a whole regular file (see hash.hpp).
uint64_t hash_file(const std::string &path);
// Every path below root (not root itself) whose last component is name.
// Does not follow symlinks; does cross mounts (a btrfs home has one st_dev
// per subvolume).
std::vector<std::string> find_named(const std::string &root, const std::string &name);

} // namespace conformance
