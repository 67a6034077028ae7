// Refused with "init failed: PREREQ: test plugin refuses to start": passes
// every descriptor check, then declines this host from init, as a driver does
// whose kernel feature is missing.
#include "authz_common.hpp"

namespace {

int32_t refuse_init(const berth_host *host, const char *, berth_instance **, berth_call *call) {
    return host->err_set(call, BERTH_E_PREREQ, "test plugin refuses to start");
}

BERTH_TEST_AUTHZ_DRIVERS(drivers, "initfails");

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "test-authz-initfails",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: init always fails with PREREQ",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = refuse_init,
    .fini = berth_test::allow_fini, // never reached: init never makes an instance
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
