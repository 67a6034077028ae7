// context_tar.h — the build context as the client sends it: an uncompressed
// tar of a directory, entries relative to it ("src/a.txt", directories with
// a trailing "/"), .dockerignore applied except that the Dockerfile and
// .dockerignore themselves are always sent (the daemon needs them), uid/gid
// 0 as the docker CLI writes them, symlinks stored as symlinks (never
// followed). Used by `berth build`.
#pragma once

#include "build/context/dockerignore.h"

#include <filesystem>
#include <string>
#include <vector>

namespace berth::build {

struct ContextTarOptions {
    IgnoreMatcher ignore;
    // Relative paths always included even when ignored ("Dockerfile",
    // ".dockerignore").
    std::vector<std::string> always_include;
    // A Dockerfile from elsewhere (stdin, or a path outside the context)
    // added under this name with this content; name "" for none. The
    // context's .dockerignore is then sent with two more lines naming
    // ".dockerignore" and this file, as the docker CLI does, so the daemon
    // removes both from the context once it has read them.
    std::string extra_name;
    std::string extra_content;
};

struct ContextTarStats {
    unsigned long long bytes = 0; // tar bytes written (the CLI's "Sending build context" size)
    unsigned long entries = 0;
};

// Writes the tar to out_fd (borrowed; a pipe or a file). Throws
// std::runtime_error naming the path on an unreadable file.
ContextTarStats write_context_tar(const std::filesystem::path &dir, const ContextTarOptions &options, int out_fd);

} // namespace berth::build
