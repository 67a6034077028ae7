// create_config.h — POST /containers/create's body checked and merged the way
// dockerd does before anything is written: the image resolved, its config
// merged under the request's (Env by key, Labels, Cmd/Entrypoint, WorkingDir,
// User, Volumes, StopSignal, Healthcheck), HostConfig defaults filled, the
// restart policy, log config and mounts validated.
#pragma once

#include "containers/service/container_service.h"
#include "containers/service/mount_plan.h"
#include "images/image_store.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace berth::containers {

struct CreateRequest {
    nlohmann::json config;      // the merged Config
    nlohmann::json host_config; // HostConfig with defaults filled
    images::Image image;
    std::string image_name;     // as the request named it
    std::string top_layer_cache_id;
    std::string path;
    std::vector<std::string> args;
    PlannedMounts mounts;
    std::string log_driver;
    std::string log_opts_json = "{}";
    std::vector<std::string> warnings;
    nlohmann::json endpoints_config = nlohmann::json::object(); // NetworkingConfig.EndpointsConfig
};

// Throws InvalidArgument (400) or NotFound (404 "No such image: x").
CreateRequest parse_create_request(const std::string &body, const std::string &platform,
                                   images::ImageService &images, const ContainerServiceConfig &cfg);

// Under userns-remap, what a container in its own user namespace cannot
// have (dockerd's wording); UsernsMode "host" opts out. Throws InvalidArgument.
void check_userns_conflicts(const nlohmann::json &host_config, const config::IdMap &map);

} // namespace berth::containers
