// authz-policy: an authorization plugin deciding requests from a JSON policy
// file (policy.hpp for the format, policy_file.hpp for reloading). This file
// is the ABI glue only: the descriptor, init/fini and the request trampoline,
// each inside sdk::guard so no exception crosses the boundary.
//
// Responses are not judged (authz_response is NULL): the policy is about who
// may call what, and everything a response says was already allowed.
#include "plugin_config.hpp"
#include "policy_file.hpp"

#include <berth/authz.h>
#include <berth/sdk.hpp>

#include <memory>
#include <new>
#include <string>

// The instance: the policy file behind a mutex of its own, so concurrent
// requests are safe (BERTH_CAP_THREADSAFE).
struct berth_instance {
    const berth_host *host;
    std::unique_ptr<berth::authz_policy::PolicyFile> policy;
};

namespace {

namespace ap = berth::authz_policy;

int32_t op_authz_request(berth_instance *self, berth_call *call, const berth_authz_request *req,
                         berth_authz_decision *out) {
    return berth::sdk::guard(self->host, call, [&] {
        if (req == nullptr || out == nullptr) throw std::invalid_argument("req and out must not be NULL");
        if (req->user == nullptr || req->method == nullptr || req->uri == nullptr)
            throw std::invalid_argument("user, method and uri are required");
        if (!self->policy) { // fail closed until a policy is configured
            out->allow = 0;
            out->message = berth::sdk::host_string(self->host, ap::kNoPolicyMessage);
            return int32_t{BERTH_OK};
        }
        const ap::Decision d = self->policy->decide(req->user, req->method, req->uri);
        out->allow = d.allow ? 1 : 0;
        out->message = d.allow ? nullptr : berth::sdk::host_string(self->host, d.message);
        return int32_t{BERTH_OK};
    });
}

int32_t init(const berth_host *host, const char *config_json, berth_instance **out, berth_call *call) {
    return berth::sdk::guard(host, call, [&] {
        const ap::PluginConfig cfg = ap::parse_plugin_config(config_json);
        std::unique_ptr<ap::PolicyFile> policy;
        if (!cfg.policy_path.empty()) {
            try {
                policy = std::make_unique<ap::PolicyFile>(cfg.policy_path);
            } catch (const ap::PolicyError &e) {
                throw std::invalid_argument(e.what()); // INVAL: the operator's file is wrong
            }
        }
        *out = new berth_instance{host, std::move(policy)};
        berth::sdk::log(host, BERTH_LOG_INFO,
                        cfg.policy_path.empty()
                            ? std::string("authz-policy: no policy configured; denies every request if enabled")
                            : "authz-policy: enforcing " + cfg.policy_path);
        return int32_t{BERTH_OK};
    });
}

void fini(berth_instance *self) { delete self; }

constexpr berth_authz_ops ops = {
    .struct_size = sizeof(berth_authz_ops),
    .reserved0 = 0,
    .authz_request = op_authz_request,
    .authz_response = nullptr,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_AUTHZ,
    .name = "authz-policy",
    .ops = &ops,
    .ops_size = sizeof(berth_authz_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE,
    .state_schema = nullptr,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "authz-policy",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "allows API endpoints per user from a JSON policy file",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
