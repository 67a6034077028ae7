// Refused with "ABI major differs": exports the v1 entry symbol, but its
// descriptor claims the next major. Everything else is valid, so no earlier
// check (magic, size) can be what refuses it.
#include "authz_common.hpp"

namespace {

BERTH_TEST_AUTHZ_DRIVERS(drivers, "abimajor");

constexpr berth_plugin_descriptor descriptor = {
    .magic = BERTH_PLUGIN_MAGIC,
    .struct_size = sizeof(berth_plugin_descriptor),
    .abi_major = BERTH_ABI_MAJOR + 1,
    .abi_minor = 0,
    .min_host_minor = 0,
    .pointer_size = sizeof(void *),
    .byte_order = (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? 1 : 2,
    .off_t_size = 8,
    .reserved0 = {},
    .name = "test-authz-abimajor",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: built for the next ABI major",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth_test::allow_init,
    .fini = berth_test::allow_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
