#include "log_file_set.hpp"

#include <sys/stat.h>

namespace berth::logjson {

namespace {
bool exists(const std::string &p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}
} // namespace

std::string rotated_file(const std::string &path, int n) {
    const std::string plain = path + "." + std::to_string(n);
    if (exists(plain)) return plain;
    if (exists(plain + ".gz")) return plain + ".gz";
    return {};
}

std::vector<std::string> files_oldest_first(const std::string &path) {
    // Rotated files are numbered without gaps; find the highest first.
    int n = 0;
    while (!rotated_file(path, n + 1).empty()) ++n;
    std::vector<std::string> out;
    for (int i = n; i >= 1; --i) out.push_back(rotated_file(path, i));
    if (exists(path)) out.push_back(path);
    return out;
}

} // namespace berth::logjson
