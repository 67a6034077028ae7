// mountinfo.cpp — see mountinfo.hpp. Line format (proc(5)):
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
// the fifth field is the mount point, with space, tab, newline and backslash
// written as octal escapes.
#include "mountinfo.hpp"

#include "errors.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace berth::overlay2 {

static std::string unescape(const std::string &s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            const char a = s[i + 1], b = s[i + 2], c = s[i + 3];
            if (a >= '0' && a <= '3' && b >= '0' && b <= '7' && c >= '0' && c <= '7') {
                out.push_back(static_cast<char>((a - '0') * 64 + (b - '0') * 8 + (c - '0')));
                i += 3;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

std::vector<std::string> mount_points() {
    std::ifstream in("/proc/self/mountinfo");
    if (!in) fail_errno(errno, "open", "/proc/self/mountinfo", BERTH_E_IO);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, point;
        if (fields >> id >> parent >> devno >> root >> point) out.push_back(unescape(point));
    }
    return out;
}

bool is_mounted(const std::filesystem::path &path) {
    const auto points = mount_points();
    return std::find(points.begin(), points.end(), path.native()) != points.end();
}

std::vector<std::string> mounts_below(const std::filesystem::path &dir) {
    const std::string prefix = dir.native() + "/";
    std::vector<std::string> out;
    for (auto &p : mount_points())
        if (p.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(p));
    // Newest first (a mount stacked on the same point goes before the one
    // under it), then deeper paths first: a child mount is always longer
    // than its parent.
    std::reverse(out.begin(), out.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
    return out;
}

} // namespace berth::overlay2
