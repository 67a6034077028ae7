// log-json: Docker json-file logs with rotation.
// Skeleton: the descriptor is final, every operation still answers
// BERTH_E_NOTSUP "not built yet" until the driver is written.
#include <berth/log.h>

#include "../common/not_built.hpp"

namespace {

constexpr char plugin_name[] = "log-json";

constexpr berth_log_ops ops = {
    .struct_size = sizeof(berth_log_ops),
    .reserved0 = 0,
    .validate_opts = BERTH_NOT_BUILT(berth_log_ops, validate_opts),
    .start = BERTH_NOT_BUILT(berth_log_ops, start),
    .log_batch = BERTH_NOT_BUILT(berth_log_ops, log_batch),
    .buf_size = BERTH_NOT_BUILT(berth_log_ops, buf_size),
    .read = BERTH_NOT_BUILT(berth_log_ops, read),
    .stop = BERTH_NOT_BUILT(berth_log_ops, stop),
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_LOG,
    .name = "json-file",
    .ops = &ops,
    .ops_size = sizeof(berth_log_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE,
    .state_schema = nullptr,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = plugin_name,
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "Docker json-file logs with rotation",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth::plugins::skeleton_init<plugin_name>,
    .fini = berth::plugins::skeleton_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
