// authz_middleware.cpp — the chain walk and the messages clients see. One
// executor call per plugin per phase; nothing is cached between requests, so
// a plugin that changes its mind (a reloaded policy) is heard at once.
#include "api/authz_middleware.h"

#include "api/router.h"
#include "plugins/registry.h"

#include <berth/abi.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace berth::api {
namespace {

// moby's wording for each way a plugin can stop a request, so scripts and
// people who know dockerd's messages recognise them.
std::string denied_by(const std::string &plugin, const AuthzVerdict &v) {
    if (v.failed) return "plugin " + plugin + " failed with error: " + v.message;
    return "authorization denied by plugin " + plugin + ": " + (v.message.empty() ? "no reason given" : v.message);
}

Response forbidden(const std::string &message) {
    Response r = Response::json(403, error_body(message));
    add_standard_headers(r);
    return r;
}

// Why no authz driver of that name is active, from the registry's records.
std::string why_missing(const plugins::PluginRegistry &registry, const std::string &name) {
    for (const auto &rec : registry.list())
        for (const auto &[kind, driver] : rec.drivers)
            if (kind == "authz" && driver == name)
                return rec.state == "rejected" ? rec.file + " was refused: " + rec.reason
                                               : rec.file + " is " + rec.state;
    return "no plugin file provides it";
}

} // namespace

AuthzMiddleware::AuthzMiddleware(std::vector<AuthzPlugin> chain, plugins::CallExecutor &executor,
                                 std::chrono::milliseconds timeout)
    : chain_(std::move(chain)), executor_(executor), timeout_(timeout) {}

std::unique_ptr<AuthzMiddleware> AuthzMiddleware::from_registry(const std::vector<std::string> &names,
                                                                const plugins::PluginRegistry &registry,
                                                                plugins::CallExecutor &executor,
                                                                std::chrono::milliseconds timeout) {
    std::vector<AuthzPlugin> chain;
    for (const auto &name : names) {
        auto slot = registry.slot(BERTH_KIND_AUTHZ, name);
        if (!slot)
            throw std::runtime_error("authorization plugin \"" + name + "\" is not available: " +
                                     why_missing(registry, name));
        chain.push_back(AuthzPlugin{name, std::move(slot)});
    }
    return std::make_unique<AuthzMiddleware>(std::move(chain), executor, timeout);
}

std::optional<std::string>
AuthzMiddleware::check_request(const std::shared_ptr<const AuthzRequestPayload> &request) const {
    for (const auto &plugin : chain_) {
        const AuthzVerdict v = call_authz_request(executor_, plugin, request, timeout_);
        if (v.allow && !v.failed) continue;
        if (v.failed)
            spdlog::warn("authorization plugin {} failed on {} {} (denied): {}", plugin.name, request->method,
                         request->uri, v.message);
        else
            spdlog::debug("authorization plugin {} denied {} {} for {}: {}", plugin.name, request->method,
                          request->uri, request->user, v.message);
        return denied_by(plugin.name, v);
    }
    return std::nullopt;
}

std::optional<std::string>
AuthzMiddleware::check_response(const std::shared_ptr<const AuthzRequestPayload> &request,
                                const Response &response) const {
    std::shared_ptr<const AuthzResponsePayload> payload;
    for (const auto &plugin : chain_) {
        if (!payload) payload = std::make_shared<AuthzResponsePayload>(AuthzResponsePayload::from(response));
        const AuthzVerdict v = call_authz_response(executor_, plugin, request, payload, timeout_);
        if (v.allow && !v.failed) continue;
        if (v.failed)
            spdlog::warn("authorization plugin {} failed on the response to {} {} (denied): {}", plugin.name,
                         request->method, request->uri, v.message);
        return denied_by(plugin.name, v);
    }
    return std::nullopt;
}

Response AuthzMiddleware::run(Request &request, const std::function<Response(Request &)> &next) const {
    if (chain_.empty()) return next(request);
    const auto payload = std::make_shared<const AuthzRequestPayload>(AuthzRequestPayload::from(request));
    if (auto denied = check_request(payload)) return forbidden(*denied);
    Response response = next(request);
    if (response.stream) return response; // streamed or hijacked: not inspected
    auto denied = check_response(payload, response);
    if (denied && response.status < 400) return forbidden(*denied);
    return response;
}

} // namespace berth::api
