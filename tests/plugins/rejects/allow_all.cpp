// A valid authz plugin that allows everything. It sits in rejects/ beside the
// refused ones to prove that one bad file never stops the others loading.
#include "authz_common.hpp"

namespace {

BERTH_TEST_AUTHZ_DRIVERS(drivers, "allowall");

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "test-authz-allowall",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: allows every request",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth_test::allow_init,
    .fini = berth_test::allow_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
