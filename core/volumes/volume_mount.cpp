#include "volumes/volume_mount.h"

#include "volumes/errors.h"
#include "volumes/local_options.h"

#include <sys/mount.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::volumes {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string &s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8)));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string hex_flags(unsigned long flags) {
    std::ostringstream o;
    o << "0x" << std::hex << flags;
    return o.str();
}

[[noreturn]] void mount_failed(const std::string &device, const std::filesystem::path &target, unsigned long flags,
                               const std::string &data, int err) {
    throw InternalError("failed to mount local volume: mount " + device + ":" + target.string() +
                        ", flags: " + hex_flags(flags) + (data.empty() ? "" : ", data: " + data) + ": " +
                        std::strerror(err));
}

} // namespace

std::vector<std::filesystem::path> mount_points() {
    std::vector<std::filesystem::path> out;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        // id parent major:minor root mountpoint ...
        std::istringstream fields(line);
        std::string id, parent, devno, root, point;
        if (fields >> id >> parent >> devno >> root >> point) out.emplace_back(unescape_octal(point));
    }
    return out;
}

bool is_mount_point(const std::filesystem::path &path) {
    const auto want = path.lexically_normal();
    for (const auto &p : mount_points())
        if (p == want) return true;
    return false;
}

std::vector<std::filesystem::path> mounts_under(const std::filesystem::path &dir) {
    const std::string prefix = dir.lexically_normal().string();
    std::vector<std::filesystem::path> out;
    for (const auto &p : mount_points()) {
        const std::string s = p.string();
        if (s == prefix || (s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0 &&
                            (prefix.back() == '/' || s[prefix.size()] == '/')))
            out.push_back(p);
    }
    // Later lines in mountinfo are mounted later (on top); undo in reverse,
    // and deeper paths first so parents come free.
    std::reverse(out.begin(), out.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto &a, const auto &b) { return a.string().size() > b.string().size(); });
    return out;
}

void mount_volume(const StringMap &options, const std::filesystem::path &target) {
    auto get = [&](const char *k) {
        auto it = options.find(k);
        return it == options.end() ? std::string() : it->second;
    };
    const std::string device = get("device");
    const std::string type = get("type");
    if (device.empty()) throw InternalError("missing device in volume options");
    const MountOptions mo = parse_mount_options(get("o"));
    const bool remount_only = (mo.flags & MS_REMOUNT) && mo.data.empty();
    if (!remount_only &&
        ::mount(device.c_str(), target.c_str(), type.empty() ? nullptr : type.c_str(), mo.flags,
                mo.data.empty() ? nullptr : mo.data.c_str()) != 0)
        mount_failed(device, target, mo.flags, mo.data, errno);
    if (mo.propagation && ::mount("", target.c_str(), nullptr, mo.propagation, nullptr) != 0) {
        const int err = errno;
        ::umount2(target.c_str(), MNT_DETACH);
        mount_failed(device, target, mo.propagation, "", err);
    }
    // A bind mount ignores MS_RDONLY on the first call; the kernel needs a
    // remount to make it read-only.
    if ((mo.flags & (MS_BIND | MS_RDONLY)) == (MS_BIND | MS_RDONLY) &&
        ::mount("", target.c_str(), nullptr, mo.flags | MS_REMOUNT, nullptr) != 0) {
        const int err = errno;
        ::umount2(target.c_str(), MNT_DETACH);
        mount_failed(device, target, mo.flags | MS_REMOUNT, "", err);
    }
}

void unmount_volume(const std::filesystem::path &target) {
    if (::umount2(target.c_str(), MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT) return;
    throw InternalError("unmount " + target.string() + ": " + std::strerror(errno));
}

} // namespace berth::volumes
