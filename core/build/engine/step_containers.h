// step_containers.h — the temporary containers a build runs its steps in,
// made through the container service exactly like `docker create`
// (so RUN gets the same rootfs, mounts, user, network and security as any
// container), and the commits of their changes. Every container made here
// is removed by remove() or, at the latest, by the destructor: a build
// that fails or is cancelled leaves none behind.
#pragma once

#include "build/engine/build_options.h"
#include "containers/archive/container_fs.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::images {
class ImageService;
}
namespace berth::containers {
class ContainerService;
}

namespace berth::build {

class StepContainers {
public:
    StepContainers(containers::ContainerService &containers, images::ImageService &images,
                   const BuildOptions &options);
    ~StepContainers(); // removes what is left
    StepContainers(const StepContainers &) = delete;
    StepContainers &operator=(const StepContainers &) = delete;

    // A container of image_id with config (Cmd, Entrypoint, Env, User,
    // WorkingDir ...) and the build's host settings (network, extra hosts,
    // shm size; no log files, no health checks). Not started.
    std::string create(const std::string &image_id, const nlohmann::json &config);
    // Start id with its stdout and stderr going to output, and wait for it.
    // Returns the exit code.
    int run(const std::string &id, const std::function<void(std::string_view)> &output);
    // The container's mounted rootfs (until the pointer is dropped).
    std::shared_ptr<containers::ContainerFs> filesystem(const std::string &id);
    void remove(const std::string &id);
    // Leave id in place after the build (--rm=false keeps the containers
    // of successful steps, as docker does).
    void keep(const std::string &id);

    // A rootfs of image_id to copy from (COPY --from): one container per
    // image for the whole build, removed with the others.
    std::shared_ptr<containers::ContainerFs> source_filesystem(const std::string &image_id);

private:
    containers::ContainerService &containers_;
    images::ImageService &images_;
    const BuildOptions &options_;
    std::vector<std::string> alive_;
    std::map<std::string, std::shared_ptr<containers::ContainerFs>> sources_;
};

// Commit the build step: the container's changes (none when container_id
// is "") on top of parent_id, with config as the image's config and
// container_config as what the cache matches. Returns the image ID.
std::string commit_step(images::ImageService &images, const std::shared_ptr<containers::ContainerFs> &fs,
                        const std::string &parent_id, const nlohmann::json &config,
                        const nlohmann::json &container_config, const std::string &author);

} // namespace berth::build
