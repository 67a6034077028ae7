// authz_plugin_call.h — one call of one authorization plugin, through the
// CallExecutor (a worker thread, a lease on the plugin's generation, a
// deadline). Every way a call can go wrong comes back as a failed verdict,
// which the chain treats as a deny: the caller never has to guess.
#pragma once

#include "api/authz_payload.h"
#include "plugins/call_executor.h"

#include <chrono>
#include <memory>
#include <string>

namespace berth::api {

// One link of the chain: the name the operator configured and its slot.
struct AuthzPlugin {
    std::string name;
    std::shared_ptr<plugins::Slot> slot;
};

struct AuthzVerdict {
    bool allow = false;
    bool failed = false; // the call itself failed (error, timeout, NOTSUP)
    std::string message; // the plugin's reason, or the failure
};

AuthzVerdict call_authz_request(plugins::CallExecutor &executor, const AuthzPlugin &plugin,
                                const std::shared_ptr<const AuthzRequestPayload> &request,
                                std::chrono::milliseconds timeout);

// A plugin without authz_response allows every response without a call.
AuthzVerdict call_authz_response(plugins::CallExecutor &executor, const AuthzPlugin &plugin,
                                 const std::shared_ptr<const AuthzRequestPayload> &request,
                                 const std::shared_ptr<const AuthzResponsePayload> &response,
                                 std::chrono::milliseconds timeout);

} // namespace berth::api
