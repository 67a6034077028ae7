// authz_middleware.h — the authorization plugin chain every API request and
// every non-streamed response passes through (daemon.json
// "authorization-plugins", berthd --authorization-plugin). Semantics are
// berth/authz.h's: plugins are AND-ed in the configured order, the first
// deny is final, and an error or a timeout is a deny (fail closed). A denied
// request never reaches its handler; the client gets 403 and moby's words,
// "authorization denied by plugin <name>: <message>".
#pragma once

#include "api/authz_plugin_call.h"
#include "api/http_types.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::plugins {
class PluginRegistry;
}

namespace berth::api {

// How long one plugin call may take before it counts as a deny.
inline constexpr std::chrono::milliseconds kDefaultAuthzTimeout{5000};

class AuthzMiddleware {
public:
    AuthzMiddleware(std::vector<AuthzPlugin> chain, plugins::CallExecutor &executor,
                    std::chrono::milliseconds timeout = kDefaultAuthzTimeout);

    // The chain named in the configuration, each name an active authz driver.
    // Throws std::runtime_error naming the first that is not, with the
    // registry's reason: a daemon that cannot authorize must not serve.
    static std::unique_ptr<AuthzMiddleware> from_registry(const std::vector<std::string> &names,
                                                          const plugins::PluginRegistry &registry,
                                                          plugins::CallExecutor &executor,
                                                          std::chrono::milliseconds timeout = kDefaultAuthzTimeout);

    // The chain's verdict on a request: nullopt when every plugin allows it,
    // else the message a 403 carries.
    std::optional<std::string> check_request(const std::shared_ptr<const AuthzRequestPayload> &request) const;
    // The same for a response, asked after the handler ran.
    std::optional<std::string> check_response(const std::shared_ptr<const AuthzRequestPayload> &request,
                                              const Response &response) const;

    // The whole pipeline around a handler: authorize the request (403 without
    // calling `next` on deny), run it, then authorize its response unless it
    // is streamed or hijacked — those bodies are produced while they are sent
    // and are not inspected (as moby skips them). A handler's own error
    // response is kept even when a plugin denies it, as moby does.
    Response run(Request &request, const std::function<Response(Request &)> &next) const;

    const std::vector<AuthzPlugin> &chain() const { return chain_; }

private:
    std::vector<AuthzPlugin> chain_;
    plugins::CallExecutor &executor_;
    std::chrono::milliseconds timeout_;
};

} // namespace berth::api
