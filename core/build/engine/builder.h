// builder.h — the legacy builder: a Dockerfile and its context in, an image
// out, the way dockerd's builder/dockerfile package does it. Each RUN runs in
// a temporary container and is committed; COPY/ADD fill a temporary
// container's rootfs and commit it; WORKDIR commits the directory it makes;
// every other instruction only changes the config (an image with an
// empty_layer history entry and no new layer). Every step's image is kept,
// untagged, as the build cache: a later step finds its result among the
// children of its parent image whose "container_config" matches what the
// step would run (its command, which for COPY/ADD names the checksum of the
// files copied), as moby's local image cache does.
//
// Multi-stage: only the target stage and the stages it needs (FROM <stage>,
// COPY --from) run. Progress goes out as Docker's "stream" text ("Step 1/5
// : FROM busybox", " ---> Using cache", " ---> <id>") plus "aux" {"ID"}.
#pragma once

#include "build/engine/build_options.h"

#include <functional>
#include <stdexcept>
#include <string>

namespace berth::images {
class ImageService;
struct Reference;
}
namespace berth::containers {
class ContainerService;
}
namespace berth::distribution {
class ProgressSink;
}

namespace berth::build {

// A build that failed; what() is the message for errorDetail, exit_code the
// status `docker build` exits with (a failed RUN's, else 1).
class BuildFailed : public std::runtime_error {
public:
    BuildFailed(const std::string &message, int exit_code = 1) : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

private:
    int exit_code_;
};

struct BuildServices {
    images::ImageService *images = nullptr;
    containers::ContainerService *containers = nullptr;
    // Pull an image (FROM, COPY --from=<image>) with progress; registry
    // credentials are the build's X-Registry-Config.
    std::function<void(const images::Reference &ref, const std::string &platform, distribution::ProgressSink &)> pull;
    std::string scratch_dir; // where contexts and temporary tars live
};

// Runs the build with the context tar read from context_fd (borrowed) and
// returns the image ID ("sha256:..."), tagged as asked. Throws BuildFailed
// (or images::Error for bad references found up front). Intermediate
// containers are gone when it returns, whatever happened.
std::string run_build(const BuildServices &services, const BuildOptions &options, int context_fd,
                      distribution::ProgressSink &progress);

} // namespace berth::build
