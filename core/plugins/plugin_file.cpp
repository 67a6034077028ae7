#include "plugins/plugin_file.h"

#define BOOST_DLL_USE_STD_FS 1
#include <string>
#include <vector>
#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <vector>
#include <regex>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::plugins {

bool looks_like_plugin_file(const std::filesystem::path &file) {
    static const std::regex re(R"(libberth-[a-z0-9._-]+\.so\.[0-9]+)");
    return std::regex_match(file.filename().string(), re);
}

std::optional<std::string> preflight(const std::filesystem::path &file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return "cannot stat file: " + std::string(strerror(errno));
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        return "unsafe ownership: owned by uid " + std::to_string(st.st_uid) + ", want root";
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return "unsafe permissions: writable by group or others";
    try {
        boost::dll::library_info info(file, /*throw_if_not_native=*/true);
        const auto symbols = info.symbols();
        if (std::find(symbols.begin(), symbols.end(), BERTH_PLUGIN_ENTRY_SYMBOL) != symbols.end())
            return std::nullopt;
        // A plugin built for another major exports berth_plugin_v<N>: say so.
        static const std::regex other(R"(berth_plugin_v([0-9]+))");
        for (const auto &s : symbols) {
            std::smatch m;
            if (std::regex_match(s, m, other))
                return "ABI major differs: plugin exports " + s + ", host " +
                       std::to_string(BERTH_ABI_MAJOR) + " needs " BERTH_PLUGIN_ENTRY_SYMBOL;
        }
        return "missing entry symbol " BERTH_PLUGIN_ENTRY_SYMBOL " (not a Berth plugin, or built without "
               "BERTH_PLUGIN_DEFINE)";
    } catch (const std::exception &e) {
        return std::string("not a loadable shared library: ") + e.what();
    }
}

OpenedLibrary open_library(const std::filesystem::path &file) {
    auto lib = std::make_shared<boost::dll::shared_library>();
    std::error_code ec; // Boost.DLL uses std::filesystem's error_code with BOOST_DLL_USE_STD_FS
    lib->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec) throw std::runtime_error("dlopen failed: " + ec.message());
    if (!lib->has(BERTH_PLUGIN_ENTRY_SYMBOL))
        throw std::runtime_error("missing entry symbol " BERTH_PLUGIN_ENTRY_SYMBOL);
    OpenedLibrary out;
    out.entry = &lib->get<const berth_plugin_descriptor *()>(BERTH_PLUGIN_ENTRY_SYMBOL);
    out.handle = std::move(lib);
    return out;
}

} // namespace berth::plugins
