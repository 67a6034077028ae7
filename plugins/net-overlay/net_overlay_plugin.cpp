// net-overlay: VXLAN overlay networks across swarm hosts.
// Skeleton: the descriptor is final, every operation still answers
// BERTH_E_NOTSUP "not built yet" until the driver is written.
#include <berth/network.h>

#include "../common/not_built.hpp"

namespace {

constexpr char plugin_name[] = "net-overlay";

constexpr berth_network_ops ops = {
    .struct_size = sizeof(berth_network_ops),
    .reserved0 = 0,
    .capabilities = BERTH_NOT_BUILT(berth_network_ops, capabilities),
    .network_allocate = BERTH_NOT_BUILT(berth_network_ops, network_allocate),
    .network_free = BERTH_NOT_BUILT(berth_network_ops, network_free),
    .create_network = BERTH_NOT_BUILT(berth_network_ops, create_network),
    .delete_network = BERTH_NOT_BUILT(berth_network_ops, delete_network),
    .create_endpoint = BERTH_NOT_BUILT(berth_network_ops, create_endpoint),
    .delete_endpoint = BERTH_NOT_BUILT(berth_network_ops, delete_endpoint),
    .endpoint_info = BERTH_NOT_BUILT(berth_network_ops, endpoint_info),
    .join = BERTH_NOT_BUILT(berth_network_ops, join),
    .leave = BERTH_NOT_BUILT(berth_network_ops, leave),
    .program_external = BERTH_NOT_BUILT(berth_network_ops, program_external),
    .revoke_external = BERTH_NOT_BUILT(berth_network_ops, revoke_external),
    .event_notify = BERTH_NOT_BUILT(berth_network_ops, event_notify),
    .quiesce = BERTH_NOT_BUILT(berth_network_ops, quiesce),
    .resume = BERTH_NOT_BUILT(berth_network_ops, resume),
    .export_state = BERTH_NOT_BUILT(berth_network_ops, export_state),
    .import_state = BERTH_NOT_BUILT(berth_network_ops, import_state),
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_NETWORK,
    .name = "overlay",
    .ops = &ops,
    .ops_size = sizeof(berth_network_ops),
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
    .description = "VXLAN overlay networks across swarm hosts",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = berth::plugins::skeleton_init<plugin_name>,
    .fini = berth::plugins::skeleton_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
