#include "build_context_path.h"

#include <system_error>

#include "errors.h"

namespace berth::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void unable(const std::string& why) { throw CliError("unable to prepare context: " + why); }

// Go's "lstat <path>: no such file or directory" from a filesystem error.
std::string os_error(const char* op, const fs::path& path, const std::error_code& ec) {
    std::string text = ec.message();
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return std::string(op) + " " + path.string() + ": " + text;
}

fs::path eval_symlinks(const fs::path& path, const char* what) {
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) unable(std::string("unable to evaluate symlinks in ") + what + ": " + os_error("lstat", path, ec));
    return real;
}

}  // namespace

LocalBuildContext resolve_local_context(const std::string& context, const std::string& dockerfile) {
    LocalBuildContext out;
    std::error_code ec;
    const fs::path absolute_context = fs::absolute(context, ec).lexically_normal();
    if (ec) unable("unable to get absolute context directory of given context directory \"" + context + "\"");
    out.dir = eval_symlinks(absolute_context, "context path");
    if (!fs::is_directory(out.dir)) unable("context must be a directory: " + out.dir.string());

    if (dockerfile == "-") {
        out.dockerfile = "-";
        return out;
    }
    fs::path absolute_dockerfile;
    if (dockerfile.empty()) {
        absolute_dockerfile = out.dir / "Dockerfile";
        // docker is "nice" and takes a lower-case dockerfile when that is
        // all there is.
        if (!fs::exists(fs::symlink_status(absolute_dockerfile)) &&
            fs::exists(fs::symlink_status(out.dir / "dockerfile")))
            absolute_dockerfile = out.dir / "dockerfile";
    } else {
        // -f is relative to where the command runs.
        absolute_dockerfile = fs::absolute(dockerfile, ec).lexically_normal();
    }
    out.dockerfile_path = eval_symlinks(absolute_dockerfile, "Dockerfile path");
    out.dockerfile = out.dockerfile_path.lexically_relative(out.dir).generic_string();
    if (out.dockerfile.empty()) unable("unable to get relative Dockerfile path");
    return out;
}

}  // namespace berth::cli
