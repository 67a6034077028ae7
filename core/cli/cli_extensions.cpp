// The loader half of cli_extensions.h, in the berth executable itself.

#include "cli_extensions.h"

#include <system_error>

#include <dlfcn.h>

#include "errors.h"

namespace berth::cli {
namespace {

std::filesystem::path self_directory() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw CliError("berth: cannot find the berth executable's directory: " + ec.message());
    return exe.parent_path();
}

[[noreturn]] void load_failed(const std::filesystem::path& path, const std::string& reason) {
    throw CliError("berth: cannot load " + path.string() + ": " + reason);
}

const CliExtensions* load() {
    const auto path = cli_extensions_path();
    // RTLD_LOCAL: the module's copies of OpenSSL and libarchive symbols stay
    // its own. The handle is never closed; the interface lives until exit.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* reason = ::dlerror();
        load_failed(path, reason != nullptr ? reason : "unknown error");
    }
    void* entry = ::dlsym(handle, kCliExtensionsEntry);
    if (entry == nullptr)
        load_failed(path, std::string("no ") + kCliExtensionsEntry + " (a module from another berth build?)");
    const CliExtensions* extensions = reinterpret_cast<CliExtensionsEntry>(entry)();
    if (extensions == nullptr) load_failed(path, std::string(kCliExtensionsEntry) + " returned nothing");
    return extensions;
}

}  // namespace

std::filesystem::path cli_extensions_path() {
    return (self_directory() / ".." / "lib" / "berth" / kCliExtensionsFile).lexically_normal();
}

const CliExtensions& cli_extensions() {
    // A static's initialisation is thread-safe, and one that throws is
    // attempted again by the next caller, so a failed load is reported
    // each time rather than remembered as a null interface.
    static const CliExtensions& extensions = *load();
    return extensions;
}

}  // namespace berth::cli
