// storage-overlay2: Layers as overlayfs lower directories.
// Skeleton: the descriptor is final, every operation still answers
// BERTH_E_NOTSUP "not built yet" until the driver is written.
#include <berth/storage.h>

#include "../common/not_built.hpp"

namespace {

constexpr char plugin_name[] = "storage-overlay2";

constexpr berth_storage_ops ops = {
    .struct_size = sizeof(berth_storage_ops),
    .reserved0 = 0,
    .status = BERTH_NOT_BUILT(berth_storage_ops, status),
    .create = BERTH_NOT_BUILT(berth_storage_ops, create),
    .remove = BERTH_NOT_BUILT(berth_storage_ops, remove),
    .exists = BERTH_NOT_BUILT(berth_storage_ops, exists),
    .get = BERTH_NOT_BUILT(berth_storage_ops, get),
    .put = BERTH_NOT_BUILT(berth_storage_ops, put),
    .diff = BERTH_NOT_BUILT(berth_storage_ops, diff),
    .changes = BERTH_NOT_BUILT(berth_storage_ops, changes),
    .apply_diff = BERTH_NOT_BUILT(berth_storage_ops, apply_diff),
    .diff_size = BERTH_NOT_BUILT(berth_storage_ops, diff_size),
    .usage = BERTH_NOT_BUILT(berth_storage_ops, usage),
    .metadata = BERTH_NOT_BUILT(berth_storage_ops, metadata),
    .mounts = BERTH_NOT_BUILT(berth_storage_ops, mounts),
    .cleanup = BERTH_NOT_BUILT(berth_storage_ops, cleanup),
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_STORAGE,
    .name = "overlay2",
    .ops = &ops,
    .ops_size = sizeof(berth_storage_ops),
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
    .description = "Layers as overlayfs lower directories",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth::plugins::skeleton_init<plugin_name>,
    .fini = berth::plugins::skeleton_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
