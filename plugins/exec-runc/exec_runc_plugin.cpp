// exec-runc: Runs containers with an OCI runtime (runc, crun) through berth-shim.
// Skeleton: the descriptor is final, every operation still answers
// BERTH_E_NOTSUP "not built yet" until the driver is written.
#include <berth/exec.h>

#include "../common/not_built.hpp"

namespace {

constexpr char plugin_name[] = "exec-runc";

constexpr berth_exec_ops ops = {
    .struct_size = sizeof(berth_exec_ops),
    .reserved0 = 0,
    .features = BERTH_NOT_BUILT(berth_exec_ops, features),
    .can_handle = BERTH_NOT_BUILT(berth_exec_ops, can_handle),
    .create = BERTH_NOT_BUILT(berth_exec_ops, create),
    .start = BERTH_NOT_BUILT(berth_exec_ops, start),
    .state = BERTH_NOT_BUILT(berth_exec_ops, state),
    .kill = BERTH_NOT_BUILT(berth_exec_ops, kill),
    .wait = BERTH_NOT_BUILT(berth_exec_ops, wait),
    .delete_container = BERTH_NOT_BUILT(berth_exec_ops, delete_container),
    .exec = BERTH_NOT_BUILT(berth_exec_ops, exec),
    .attach = BERTH_NOT_BUILT(berth_exec_ops, attach),
    .resize_pty = BERTH_NOT_BUILT(berth_exec_ops, resize_pty),
    .close_stdin = BERTH_NOT_BUILT(berth_exec_ops, close_stdin),
    .pause = BERTH_NOT_BUILT(berth_exec_ops, pause),
    .resume = BERTH_NOT_BUILT(berth_exec_ops, resume),
    .update = BERTH_NOT_BUILT(berth_exec_ops, update),
    .pids = BERTH_NOT_BUILT(berth_exec_ops, pids),
    .stats = BERTH_NOT_BUILT(berth_exec_ops, stats),
    .restore = BERTH_NOT_BUILT(berth_exec_ops, restore),
    .checkpoint = BERTH_NOT_BUILT(berth_exec_ops, checkpoint),
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_EXEC,
    .name = "runc",
    .ops = &ops,
    .ops_size = sizeof(berth_exec_ops),
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
    .description = "Runs containers with an OCI runtime (runc, crun) through berth-shim",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth::plugins::skeleton_init<plugin_name>,
    .fini = berth::plugins::skeleton_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
