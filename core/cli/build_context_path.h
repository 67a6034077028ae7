#pragma once

#include <filesystem>
#include <string>

// Where the context directory and the Dockerfile of `berth build PATH` are,
// by the docker CLI's rules (cli/command/image/build/context.go): the
// context is PATH made absolute with symlinks resolved and must be a
// directory; -f is relative to the current directory, not to the context;
// without -f it is PATH/Dockerfile, or PATH/dockerfile when only that
// exists. A Dockerfile outside the context is read by the CLI and injected
// into the tar under a random name.
namespace berth::cli {

struct LocalBuildContext {
    std::filesystem::path dir;  // absolute, symlinks resolved
    // The Dockerfile relative to dir, "/"-separated ("Dockerfile",
    // "docker/app.Dockerfile"), "-" for stdin, or starting with "../" when
    // it lies outside the context.
    std::string dockerfile;
    // Its absolute path (empty for stdin), to read it when outside.
    std::filesystem::path dockerfile_path;

    bool dockerfile_outside() const { return dockerfile.rfind("../", 0) == 0; }
};

// Throws CliError with docker's "unable to prepare context: ..." messages.
LocalBuildContext resolve_local_context(const std::string& context, const std::string& dockerfile);

}  // namespace berth::cli
