// commit_config.h — the "config" of an image made by `docker commit`, as
// moby's CreateImageFromContainer builds it: the request's Config (the
// container's own when the body has none), then the --change Dockerfile
// lines, then moby's merge(), which fills what is still unset from the
// container's config (User, Env by key, ExposedPorts, Labels, Cmd and
// Entrypoint, Healthcheck fields, WorkingDir, Volumes, StopSignal).
#pragma once

#include <string>
#include <vector>

namespace berth::containers::archive {

// container_config_json: the container's Config object. body_json: the
// request body ("" or "null" for none; a create-style body's HostConfig and
// NetworkingConfig are ignored). Throws images::InvalidArgument for a bad
// change line, nlohmann::json errors for a malformed body.
std::string commit_image_config(const std::string &container_config_json, const std::string &body_json,
                                const std::vector<std::string> &changes);

} // namespace berth::containers::archive
