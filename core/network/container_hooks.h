// container_hooks.h — how the /networks routes reach containers. The
// container service fills these in (it resolves the container reference,
// knows whether it runs and where its netns is, and keeps a stopped
// container's EndpointsConfig); until then the routes answer 404
// "No such container: X".
#pragma once

#include <functional>
#include <string>

namespace berth::network {

struct ContainerHooks {
    // POST /networks/{id}/connect: `container` as the user typed it (name,
    // id or prefix); endpoint_config_json is the body's EndpointConfig ({}
    // when absent). Throw the usual errors (NotFound "No such container: X").
    std::function<void(const std::string &network, const std::string &container,
                       const std::string &endpoint_config_json)>
        connect;
    // POST /networks/{id}/disconnect.
    std::function<void(const std::string &network, const std::string &container, bool force)> disconnect;
};

} // namespace berth::network
