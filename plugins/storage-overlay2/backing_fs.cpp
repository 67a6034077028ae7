// backing_fs.cpp — see backing_fs.hpp. Magic numbers from statfs(2) and
// linux/magic.h; names as dockerd's graphdriver.FsNames prints them.
#include "backing_fs.hpp"

#include "errors.hpp"
#include "fs_util.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>

namespace berth::overlay2 {

namespace {

constexpr int64_t magic_overlay = 0x794c7630;
constexpr int64_t magic_aufs = 0x61756673;
constexpr int64_t magic_ecryptfs = 0xf15f;

struct FsName {
    int64_t magic;
    const char *name;
};

constexpr FsName names[] = {
    {0xEF53, "extfs"},           {0x58465342, "xfs"},      {0x9123683E, "btrfs"},
    {0x01021994, "tmpfs"},       {magic_overlay, "overlayfs"}, {magic_aufs, "aufs"},
    {magic_ecryptfs, "ecryptfs"}, {0x2FC12FC1, "zfs"},     {0x6969, "nfs"},
    {0xF2F52010, "f2fs"},        {0x52654973, "reiserfs"}, {0x858458F6, "ramfs"},
    {0x73717368, "squashfs"},    {0x65735546, "fuse"},     {0x5346544e, "ntfs"},
    {0x4d44, "msdos"},           {0x3153464a, "jfs"},      {0x28cd3d45, "cramfs"},
    {0x012FF7B4, "xenix"},       {0x9fa0, "proc"},
};

int64_t fs_magic(const std::filesystem::path &path) {
    struct statfs st {};
    if (::statfs(path.c_str(), &st) != 0) fail_errno(errno, "statfs", path.native(), BERTH_E_IO);
    // f_type is signed on some ABIs; compare as the unsigned 32-bit magic.
    return static_cast<int64_t>(static_cast<uint32_t>(st.f_type));
}

} // namespace

std::string backing_fs_name(const std::filesystem::path &path) {
    const int64_t magic = fs_magic(path);
    for (const auto &n : names)
        if (n.magic == magic) return n.name;
    return "<unknown>";
}

bool backing_fs_unsupported(const std::filesystem::path &path) {
    const int64_t magic = fs_magic(path);
    return magic == magic_overlay || magic == magic_aufs || magic == magic_ecryptfs;
}

bool kernel_has_overlay() {
    std::ifstream in("/proc/filesystems");
    std::string line;
    while (std::getline(in, line)) {
        // "nodev\toverlay" or "\text4": the name is the last field.
        std::istringstream fields(line);
        std::string field, last;
        while (fields >> field) last = field;
        if (last == "overlay") return true;
    }
    return false;
}

bool supports_d_type(const std::filesystem::path &dir) {
    const auto scratch = make_temp_dir(dir / "dtype-check", 0700);
    bool known = false;
    try {
        const auto file = scratch / "f";
        Fd fd(::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
        if (!fd) fail_errno(errno, "create", file.native(), BERTH_E_IO);
        DIR *d = ::opendir(scratch.c_str());
        if (d == nullptr) fail_errno(errno, "opendir", scratch.native(), BERTH_E_IO);
        while (const dirent *e = ::readdir(d))
            if (std::string_view(e->d_name) == "f") known = e->d_type != DT_UNKNOWN;
        ::closedir(d);
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove_all(scratch, ec);
        throw;
    }
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    return known;
}

} // namespace berth::overlay2
