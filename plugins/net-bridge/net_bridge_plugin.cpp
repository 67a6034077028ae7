// net-bridge: Linux bridge networks with NAT, isolation and published ports
// (the "bridge" network driver). This file is the ABI glue only: argument
// checks, exception guards and host-owned outputs; Driver (driver.hpp) does
// the work. Local scope: network_allocate, network_free and event_notify are
// NULL (not supported).
#include "driver.hpp"

#include <berth/network.h>
#include <berth/sdk.hpp>

#include <memory>
#include <string>

struct berth_instance {
    const berth_host *host;
    std::unique_ptr<berth::netbridge::Driver> driver;
};

namespace {

constexpr char plugin_name[] = "net-bridge";
using berth::sdk::guard;
using berth::sdk::host_string;

std::string arg(const char *s, const char *name) {
    if (s == nullptr || *s == '\0')
        throw berth::sdk::error(BERTH_E_INVAL, std::string(name) + " is required");
    return s;
}

std::string json_arg(const char *s) { return s != nullptr ? s : "{}"; }

char **out_arg(char **out) {
    if (out == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_json is required");
    return out;
}

int32_t op_capabilities(berth_instance *self, berth_call *call, char **out_json) {
    return guard(self->host, call, [&] {
        *out_arg(out_json) = host_string(self->host, self->driver->capabilities());
        return int32_t{BERTH_OK};
    });
}

int32_t op_create_network(berth_instance *self, berth_call *call, const char *nid,
                          const char *config_json) {
    return guard(self->host, call, [&] {
        self->driver->create_network(arg(nid, "nid"), json_arg(config_json));
        return int32_t{BERTH_OK};
    });
}

int32_t op_delete_network(berth_instance *self, berth_call *call, const char *nid) {
    return guard(self->host, call, [&] {
        self->driver->delete_network(arg(nid, "nid"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_create_endpoint(berth_instance *self, berth_call *call, const char *nid,
                           const char *eid, const char *iface_json, char **out_json) {
    return guard(self->host, call, [&] {
        std::string out =
            self->driver->create_endpoint(arg(nid, "nid"), arg(eid, "eid"), json_arg(iface_json));
        if (out_json != nullptr) *out_json = host_string(self->host, out);
        return int32_t{BERTH_OK};
    });
}

int32_t op_delete_endpoint(berth_instance *self, berth_call *call, const char *nid,
                           const char *eid) {
    return guard(self->host, call, [&] {
        self->driver->delete_endpoint(arg(nid, "nid"), arg(eid, "eid"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_endpoint_info(berth_instance *self, berth_call *call, const char *nid,
                         const char *eid, char **out_json) {
    return guard(self->host, call, [&] {
        std::string out = self->driver->endpoint_info(arg(nid, "nid"), arg(eid, "eid"));
        *out_arg(out_json) = host_string(self->host, out);
        return int32_t{BERTH_OK};
    });
}

int32_t op_join(berth_instance *self, berth_call *call, const char *nid, const char *eid,
                const char *netns_path, const char *options_json, char **out_json) {
    return guard(self->host, call, [&] {
        std::string out = self->driver->join(arg(nid, "nid"), arg(eid, "eid"),
                                             arg(netns_path, "netns_path"), json_arg(options_json));
        if (out_json != nullptr) *out_json = host_string(self->host, out);
        return int32_t{BERTH_OK};
    });
}

int32_t op_leave(berth_instance *self, berth_call *call, const char *nid, const char *eid) {
    return guard(self->host, call, [&] {
        self->driver->leave(arg(nid, "nid"), arg(eid, "eid"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_program_external(berth_instance *self, berth_call *call, const char *nid,
                            const char *eid, const char *options_json) {
    return guard(self->host, call, [&] {
        self->driver->program_external(arg(nid, "nid"), arg(eid, "eid"), json_arg(options_json));
        return int32_t{BERTH_OK};
    });
}

int32_t op_revoke_external(berth_instance *self, berth_call *call, const char *nid,
                           const char *eid) {
    return guard(self->host, call, [&] {
        self->driver->revoke_external(arg(nid, "nid"), arg(eid, "eid"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_quiesce(berth_instance *self, berth_call *call) {
    return guard(self->host, call, [&] {
        self->driver->quiesce();
        return int32_t{BERTH_OK};
    });
}

int32_t op_resume(berth_instance *self, berth_call *call) {
    return guard(self->host, call, [&] {
        self->driver->resume();
        return int32_t{BERTH_OK};
    });
}

int32_t op_export_state(berth_instance *self, berth_call *call, char **out_json) {
    return guard(self->host, call, [&] {
        *out_arg(out_json) = host_string(self->host, self->driver->export_state());
        return int32_t{BERTH_OK};
    });
}

int32_t op_import_state(berth_instance *self, berth_call *call, const char *state_json) {
    return guard(self->host, call, [&] {
        self->driver->import_state(arg(state_json, "state_json"));
        return int32_t{BERTH_OK};
    });
}

int32_t plugin_init(const berth_host *host, const char *config_json, berth_instance **out,
                    berth_call *call) {
    return guard(host, call, [&] {
#ifdef BERTH_NET_BRIDGE_TEST_INIT_FAILS
        // A test build (tests/plugins/net-bridge-v2): a new generation whose
        // init fails, so the hot-swap test can watch the old one keep serving.
        throw berth::sdk::error(BERTH_E_INTERNAL, "test build: init fails on purpose");
#endif
        auto config = berth::netbridge::config_from_json(json_arg(config_json), host);
        auto driver = std::make_unique<berth::netbridge::Driver>(host, std::move(config));
        *out = new berth_instance{host, std::move(driver)};
        return int32_t{BERTH_OK};
    });
}

// Frees the bookkeeping only: bridges, veths, rules and proxies keep carrying
// traffic while berthd is down or a new generation takes over.
void plugin_fini(berth_instance *self) { delete self; }

constexpr berth_network_ops ops = {
    .struct_size = sizeof(berth_network_ops),
    .reserved0 = 0,
    .capabilities = op_capabilities,
    .network_allocate = nullptr,
    .network_free = nullptr,
    .create_network = op_create_network,
    .delete_network = op_delete_network,
    .create_endpoint = op_create_endpoint,
    .delete_endpoint = op_delete_endpoint,
    .endpoint_info = op_endpoint_info,
    .join = op_join,
    .leave = op_leave,
    .program_external = op_program_external,
    .revoke_external = op_revoke_external,
    .event_notify = nullptr,
    .quiesce = op_quiesce,
    .resume = op_resume,
    .export_state = op_export_state,
    .import_state = op_import_state,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_NETWORK,
    .name = "bridge",
    .ops = &ops,
    .ops_size = sizeof(berth_network_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE | BERTH_CAP_STATE_HANDOVER,
    .state_schema = berth::netbridge::state_schema,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = plugin_name,
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "Linux bridge networks with NAT, isolation and published ports",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = plugin_init,
    .fini = plugin_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
