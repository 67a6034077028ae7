// authz_common.hpp — the working parts shared by the test authz plugins in
// this directory. Each plugin differs from a valid one in exactly one way
// (its descriptor or its init), so the host's refusal can only be caused by
// that one difference.
#pragma once

#include <berth/authz.h>
#include <berth/sdk.hpp>

#include <new>

namespace berth_test {

struct authz_instance {
    const berth_host *host;
};

// Allows every request; the decision is what a real allow-all would return.
inline int32_t allow_request(berth_instance *self, berth_call *call, const berth_authz_request *,
                             berth_authz_decision *out) {
    auto *inst = reinterpret_cast<authz_instance *>(self);
    return berth::sdk::guard(inst->host, call, [&] {
        out->allow = 1;
        out->message = nullptr;
        return int32_t{BERTH_OK};
    });
}

inline int32_t allow_init(const berth_host *host, const char *, berth_instance **out,
                          berth_call *call) {
    auto *inst = new (std::nothrow) authz_instance{host};
    if (inst == nullptr) return host->err_set(call, BERTH_E_INTERNAL, "out of memory");
    *out = reinterpret_cast<berth_instance *>(inst);
    return BERTH_OK;
}

inline void allow_fini(berth_instance *self) { delete reinterpret_cast<authz_instance *>(self); }

constexpr berth_authz_ops allow_all_ops = {
    .struct_size = sizeof(berth_authz_ops),
    .reserved0 = 0,
    .authz_request = allow_request,
    .authz_response = nullptr,
};

} // namespace berth_test

// A descriptor for the authz driver `driver` of plugin `plugin`, valid unless
// the caller overrides fields afterwards. A macro rather than a function: the
// descriptor must be a constant with static storage in the plugin itself.
#define BERTH_TEST_AUTHZ_DRIVERS(var, driver)                                      \
    constexpr berth_driver_entry var[] = {{                                        \
        .struct_size = sizeof(berth_driver_entry),                                 \
        .kind = BERTH_KIND_AUTHZ,                                                  \
        .name = driver,                                                            \
        .ops = &berth_test::allow_all_ops,                                         \
        .ops_size = sizeof(berth_authz_ops),                                       \
        .reserved0 = 0,                                                            \
        .caps = BERTH_CAP_THREADSAFE,                                              \
        .state_schema = nullptr,                                                   \
    }}
