#include "mountinfo.hpp"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace conformance {

namespace {

std::string unescape(const std::string &s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            bool octal = true;
            for (size_t k = 1; k <= 3; ++k)
                if (s[i + k] < '0' || s[i + k] > '7') octal = false;
            if (octal) {
                out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string canonical(const std::string &path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) != nullptr) return buf;
    return path;
}

} // namespace

std::vector<std::string> mount_points() {
    std::vector<std::string> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, mnt;
        if (fields >> id >> parent >> devno >> root >> mnt) out.push_back(unescape(mnt));
    }
    return out;
}

bool is_mount_point(const std::string &path) {
    std::string want = canonical(path);
    for (const auto &m : mount_points())
        if (m == want) return true;
    return false;
}

std::vector<std::string> mounts_under(const std::string &dir) {
    std::string base = canonical(dir);
    std::vector<std::string> out;
    for (const auto &m : mount_points())
        if (m == base || (m.size() > base.size() && m.compare(0, base.size(), base) == 0 && m[base.size()] == '/'))
            out.push_back(m);
    return out;
}

} // namespace conformance
