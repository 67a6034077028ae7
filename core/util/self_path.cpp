#include "util/self_path.h"

namespace berth::util {

std::filesystem::path self_executable() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : p;
}

std::filesystem::path bundled_plugin_dir() {
    const auto exe = self_executable();
    if (exe.empty()) return {};
    return (exe.parent_path().parent_path() / "lib" / "berth" / "plugins").lexically_normal();
}

} // namespace berth::util
