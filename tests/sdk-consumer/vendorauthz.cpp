// vendorauthz: an out-of-tree authz plugin written against the installed SDK
// only. It denies requests to a configured path prefix and allows the rest,
// so it exercises init's config, host-owned outputs and sdk::guard.
#include <berth/authz.h>
#include <berth/sdk.hpp>

#include <cstring>
#include <string>

namespace {

struct vendor_instance {
    const berth_host *host;
    std::string deny_prefix; // from plugin-config {"deny-prefix": "..."}; empty = none
};

vendor_instance *self_of(berth_instance *self) { return reinterpret_cast<vendor_instance *>(self); }

// The string value of "key" in a flat JSON object, without escapes; "" when
// absent. Good enough for this plugin's one option.
std::string config_string(const char *json, const char *key) {
    const std::string needle = std::string("\"") + key + "\"";
    const char *p = json ? std::strstr(json, needle.c_str()) : nullptr;
    if (p == nullptr) return {};
    p = std::strchr(p + needle.size(), '"');
    if (p == nullptr) return {};
    const char *end = std::strchr(p + 1, '"');
    if (end == nullptr) throw std::invalid_argument("vendorauthz: unterminated string for " + needle);
    return std::string(p + 1, end);
}

int32_t authz_request(berth_instance *self, berth_call *call, const berth_authz_request *req,
                      berth_authz_decision *out) {
    auto *inst = self_of(self);
    return berth::sdk::guard(inst->host, call, [&] {
        const std::string uri = req->uri ? req->uri : "";
        if (!inst->deny_prefix.empty() && uri.rfind(inst->deny_prefix, 0) == 0) {
            out->allow = 0;
            out->message = berth::sdk::host_string(inst->host, "vendorauthz: " + uri + " is not allowed");
        } else {
            out->allow = 1;
        }
        return int32_t{BERTH_OK};
    });
}

int32_t init(const berth_host *host, const char *config_json, berth_instance **out, berth_call *call) {
    return berth::sdk::guard(host, call, [&] {
        auto *inst = new vendor_instance{host, config_string(config_json, "deny-prefix")};
        *out = reinterpret_cast<berth_instance *>(inst);
        berth::sdk::log(host, BERTH_LOG_INFO, "vendorauthz ready");
        return int32_t{BERTH_OK};
    });
}

void fini(berth_instance *self) { delete self_of(self); }

constexpr berth_authz_ops ops = {
    .struct_size = sizeof(berth_authz_ops),
    .reserved0 = 0,
    .authz_request = authz_request,
    .authz_response = nullptr,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_AUTHZ,
    .name = "vendorauthz",
    .ops = &ops,
    .ops_size = sizeof(berth_authz_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE,
    .state_schema = nullptr,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "vendorauthz",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Example Vendor",
    .license = "MIT",
    .build_id = nullptr,
    .description = "out-of-tree authz plugin built against the installed SDK",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
