/* vendorc: the smallest useful plugin, in plain C11, built without CMake:
 *   cc -std=c11 -shared -fPIC $(pkg-config --cflags berth-plugin-api) \
 *      -Wl,-soname,libberth-authz-vendorc.so.1 -o libberth-authz-vendorc.so.1 vendorc.c
 * (integration/sdk_out_of_tree.sh does exactly that against an installed SDK).
 * It allows every request. */
#include <berth/authz.h>

#include <stdlib.h>

struct berth_instance {
    const berth_host *host;
};

static int32_t vendorc_request(berth_instance *self, berth_call *call,
                               const berth_authz_request *req, berth_authz_decision *out) {
    (void)self;
    (void)call;
    (void)req;
    out->allow = 1;
    return BERTH_OK;
}

static int32_t vendorc_init(const berth_host *host, const char *config_json, berth_instance **out,
                            berth_call *call) {
    (void)config_json;
    berth_instance *inst = malloc(sizeof *inst);
    if (inst == NULL) return host->err_set(call, BERTH_E_INTERNAL, "vendorc: out of memory");
    inst->host = host;
    *out = inst;
    return BERTH_OK;
}

static void vendorc_fini(berth_instance *self) { free(self); }

static const berth_authz_ops vendorc_ops = {
    .struct_size = sizeof(berth_authz_ops),
    .authz_request = vendorc_request,
    .authz_response = NULL,
};

static const berth_driver_entry vendorc_drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_AUTHZ,
    .name = "vendorc",
    .ops = &vendorc_ops,
    .ops_size = sizeof(berth_authz_ops),
    .caps = BERTH_CAP_THREADSAFE,
    .state_schema = NULL,
}};

static const berth_plugin_descriptor vendorc_descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .name = "vendorc",
    .version = "0.9.0",
    .vendor = "Example Vendor",
    .license = "MIT",
    .description = "plain C plugin built with pkg-config",
    .n_drivers = 1,
    .drivers = vendorc_drivers,
    .init = vendorc_init,
    .fini = vendorc_fini,
};

BERTH_PLUGIN_DEFINE(vendorc_descriptor)
