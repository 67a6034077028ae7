// self_path.h — where the running binary lives, for finding the bundled
// plugin directory (../lib/berth/plugins) in the build tree and after
// install alike.
#pragma once

#include <filesystem>

namespace berth::util {

std::filesystem::path self_executable();                 // /proc/self/exe resolved
std::filesystem::path bundled_plugin_dir();              // <bin>/../lib/berth/plugins

} // namespace berth::util
