#include "build/engine/step_containers.h"

#include "containers/service/container_service.h"
#include "images/image_commit.h"
#include "images/image_service.h"
#include "images/unique_fd.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace berth::build {

using nlohmann::json;

StepContainers::StepContainers(containers::ContainerService &containers, images::ImageService &images,
                               const BuildOptions &options)
    : containers_(containers), images_(images), options_(options) {}

StepContainers::~StepContainers() {
    sources_.clear(); // unmount before removal
    for (auto it = alive_.rbegin(); it != alive_.rend(); ++it) {
        try {
            containers_.remove(*it, true, true);
        } catch (const std::exception &e) {
            spdlog::warn("build: could not remove intermediate container {}: {}", *it, e.what());
        }
    }
}

std::string StepContainers::create(const std::string &image_id, const json &config) {
    json body = config;
    body["Image"] = image_id;
    body["AttachStdout"] = true;
    body["AttachStderr"] = true;
    body["Healthcheck"] = {{"Test", json::array({"NONE"})}}; // no checks during a build
    json host = {{"LogConfig", {{"Type", "none"}, {"Config", json::object()}}}};
    if (!options_.network_mode.empty()) host["NetworkMode"] = options_.network_mode;
    if (!options_.extra_hosts.empty()) host["ExtraHosts"] = options_.extra_hosts;
    if (options_.shm_size > 0) host["ShmSize"] = options_.shm_size;
    body["HostConfig"] = host;
    const auto result = containers_.create("", body.dump());
    alive_.push_back(result.id);
    return result.id;
}

int StepContainers::run(const std::string &id, const std::function<void(std::string_view)> &output) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    images::UniqueFd read_end(pipe_fds[0]);
    {
        images::UniqueFd write_end(pipe_fds[1]);
        containers::AttachRequest attach;
        attach.stdout = attach.stderr = true;
        attach.fds.stdout_fd = write_end.get();
        attach.fds.stderr_fd = write_end.get();
        containers_.attach(id, attach); // the service keeps its own copy
    }
    const auto ticket = containers_.wait_begin(id, "next-exit");
    containers_.start(id);
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        output(std::string_view(buf, static_cast<size_t>(n)));
    }
    const auto result = containers_.wait_end(ticket, nullptr);
    if (!result.error.empty()) spdlog::warn("build: container {}: {}", id, result.error);
    return result.status_code;
}

std::shared_ptr<containers::ContainerFs> StepContainers::filesystem(const std::string &id) {
    return containers_.fs_provider()(id);
}

void StepContainers::remove(const std::string &id) {
    containers_.remove(id, true, true);
    alive_.erase(std::remove(alive_.begin(), alive_.end(), id), alive_.end());
}

void StepContainers::keep(const std::string &id) {
    alive_.erase(std::remove(alive_.begin(), alive_.end(), id), alive_.end());
}

std::shared_ptr<containers::ContainerFs> StepContainers::source_filesystem(const std::string &image_id) {
    if (auto it = sources_.find(image_id); it != sources_.end()) return it->second;
    // Never started: the command only has to exist for create to accept it.
    const std::string id = create(image_id, json{{"Cmd", json::array({"#(nop) COPY --from source"})},
                                                 {"Entrypoint", json::array({""})}});
    auto fs = filesystem(id);
    sources_[image_id] = fs;
    return fs;
}

std::string commit_step(images::ImageService &images, const std::shared_ptr<containers::ContainerFs> &fs,
                        const std::string &parent_id, const json &config, const json &container_config,
                        const std::string &author) {
    images::CommitOptions options;
    options.container_id = fs ? fs->id : "";
    options.container_config_json = container_config.dump();
    options.config_json = config.dump();
    options.parent_image_id = parent_id;
    options.author = author;
    if (fs)
        options.write_diff = fs->write_diff_tar;
    else
        options.write_diff = [](int) {}; // an empty file: no layer, an empty_layer history entry
    return images::commit_image(images, options);
}

} // namespace berth::build
