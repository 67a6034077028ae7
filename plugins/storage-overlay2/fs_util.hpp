// fs_util.hpp — small, crash-aware file helpers the layout code builds on.
// A layer's metadata is written inside the layer's temp directory, fsynced,
// and the directory renamed into place, so after a crash a layer is either
// whole or absent (and its temp directory swept).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace berth::overlay2 {

namespace fs = std::filesystem;

// Owns one file descriptor.
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
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// The whole file, or nullopt when it does not exist. Other errors throw.
std::optional<std::string> read_file_if_exists(const fs::path &path);
// The whole file; a missing file throws IO naming it (a layer's own metadata
// being absent means the layer is damaged, not that it is absent).
std::string read_file(const fs::path &path);

// Create path (it must not exist) with content and, when `sync`, fsync it,
// without the temp name and the fsync of the directory: for a file inside a
// directory that is itself still a temp name, whose one fsync before its
// rename into place makes every entry in it durable at once.
void write_new_file(const fs::path &path, std::string_view content, bool sync, mode_t mode = 0644);

// fsync a directory so a rename or create inside it is durable.
void fsync_dir(const fs::path &dir);

// mkdir with an exact mode (chmod after, so the umask does not matter).
// exist_ok: an existing directory is fine.
void make_dir(const fs::path &path, mode_t mode, bool exist_ok = false);

// 26 random characters from [A-Z0-9], the shape of dockerd's short link
// names: short enough that 128 of them fit in one mount option page.
std::string random_link_name();

// A unique "<stem>-tmp-XXXXXX" directory beside `stem`, created with mode.
// init() sweeps every "*-tmp-*" entry of home, so whatever a crash leaves
// under such a name is garbage by definition.
fs::path make_temp_dir(const fs::path &stem, mode_t mode);

} // namespace berth::overlay2
