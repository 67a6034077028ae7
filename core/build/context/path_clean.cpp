// path_clean.cpp — filepath.Clean, lexically (nothing is looked up).
#include "build/context/path_clean.h"

namespace berth::build {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
        const size_t j = std::min(path.find('/', i), path.size());
        if (j > i) out.emplace_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string clean_path(std::string_view path) {
    const bool abs = !path.empty() && path.front() == '/';
    std::vector<std::string> kept;
    for (auto &e : split_path(path)) {
        if (e == ".") continue;
        if (e == "..") {
            if (!kept.empty() && kept.back() != "..") kept.pop_back();
            else if (!abs) kept.push_back(e); // "/.." is "/"; "../a" stays
            continue;
        }
        kept.push_back(std::move(e));
    }
    std::string out = abs ? "/" : "";
    for (size_t i = 0; i < kept.size(); ++i) out += (i ? "/" : "") + kept[i];
    return out.empty() ? "." : out;
}

} // namespace berth::build
