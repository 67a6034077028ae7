// authz_plugin_call.cpp — the ABI side of an authorization call. The payloads
// and the decision are shared with the call's body: after a timeout the API
// thread has moved on while the plugin may still write its decision.
#include "api/authz_plugin_call.h"

#include "plugins/host_services.h"

#include <berth/authz.h>

#include <cstdlib>

namespace berth::api {
namespace {

// The decision slot the plugin writes; frees the host->alloc'ed message
// whenever the last holder (caller or late worker) lets go.
struct DecisionSlot {
    berth_authz_decision decision{};
    DecisionSlot() { decision.struct_size = sizeof decision; }
    ~DecisionSlot() { std::free(decision.message); }
    DecisionSlot(const DecisionSlot &) = delete;
    DecisionSlot &operator=(const DecisionSlot &) = delete;
};

// The plugin's own words: CallOutcome prefixes "<STATUS>: ", kept here
// because "TIMEOUT: ..." tells an operator more than the bare text.
AuthzVerdict verdict_of(const plugins::CallOutcome &outcome, const DecisionSlot &slot) {
    AuthzVerdict v;
    if (outcome.code != BERTH_OK) {
        v.failed = true;
        v.message = outcome.message;
        return v;
    }
    v.allow = slot.decision.allow == 1;
    if (slot.decision.message != nullptr) v.message = slot.decision.message;
    return v;
}

} // namespace

AuthzVerdict call_authz_request(plugins::CallExecutor &executor, const AuthzPlugin &plugin,
                                const std::shared_ptr<const AuthzRequestPayload> &request,
                                std::chrono::milliseconds timeout) {
    auto slot = std::make_shared<DecisionSlot>();
    auto body = [request, slot](const plugins::Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_authz_ops>();
        if (ops->authz_request == nullptr) {
            call->message = "the plugin does not implement authz_request";
            return BERTH_E_NOTSUP;
        }
        const berth_authz_request req = request->view();
        return ops->authz_request(lease.instance(), call, &req, &slot->decision);
    };
    return verdict_of(executor.run(*plugin.slot, std::move(body), timeout), *slot);
}

AuthzVerdict call_authz_response(plugins::CallExecutor &executor, const AuthzPlugin &plugin,
                                 const std::shared_ptr<const AuthzRequestPayload> &request,
                                 const std::shared_ptr<const AuthzResponsePayload> &response,
                                 std::chrono::milliseconds timeout) {
    try {
        // Peek without a worker round trip: most plugins only judge requests.
        const plugins::Lease lease = plugin.slot->acquire();
        if (lease.ops<berth_authz_ops>()->authz_response == nullptr) return AuthzVerdict{true, false, {}};
    } catch (const plugins::NoDriver &e) {
        return AuthzVerdict{false, true, e.what()};
    }
    auto slot = std::make_shared<DecisionSlot>();
    auto body = [request, response, slot](const plugins::Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_authz_ops>();
        // A swap between the peek and this call may bring a plugin without it.
        if (ops->authz_response == nullptr) {
            slot->decision.allow = 1;
            return BERTH_OK;
        }
        const berth_authz_request req = request->view();
        const berth_authz_response resp = response->view();
        return ops->authz_response(lease.instance(), call, &req, &resp, &slot->decision);
    };
    return verdict_of(executor.run(*plugin.slot, std::move(body), timeout), *slot);
}

} // namespace berth::api
