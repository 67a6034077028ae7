// Refused with "requires a newer host": needs one ABI minor more than the host
// it is built with offers. Otherwise valid.
#include "authz_common.hpp"

namespace {

BERTH_TEST_AUTHZ_DRIVERS(drivers, "newerminor");

constexpr berth_plugin_descriptor descriptor = {
    .magic = BERTH_PLUGIN_MAGIC,
    .struct_size = sizeof(berth_plugin_descriptor),
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .min_host_minor = BERTH_ABI_MINOR + 1,
    .pointer_size = sizeof(void *),
    .byte_order = (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? 1 : 2,
    .off_t_size = 8,
    .reserved0 = {},
    .name = "test-authz-newerminor",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: needs a newer host ABI minor",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth_test::allow_init,
    .fini = berth_test::allow_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
