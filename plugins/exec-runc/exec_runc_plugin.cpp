// exec-runc: runs containers with an OCI runtime (runc, crun) through
// berth-shim. This file is the ABI glue only: argument checks, op guards and
// host-owned outputs; Driver (driver.hpp) does the work. checkpoint still
// answers NOTSUP "not built yet".
#include "driver.hpp"
#include "shim_launcher.hpp"

#include <berth/exec.h>
#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include "../common/not_built.hpp"

#include <cstddef>
#include <cstring>
#include <new>
#include <string>

// Starts with the skeleton's layout so the not_built placeholders, which
// read {host, plugin name}, keep working for the ops not written yet.
struct berth_instance {
    const berth_host *host;
    const char *plugin;
    berth::execrunc::Driver driver;
};

namespace {

constexpr char plugin_name[] = "exec-runc";
using berth::sdk::guard;
using berth::sdk::host_string;

std::string arg(const char *s, const char *name) {
    if (s == nullptr) throw berth::sdk::error(BERTH_E_INVAL, std::string(name) + " is required");
    return s;
}

// NULL exec_id (init) as "".
std::string exec_of(const char *exec_id) { return exec_id != nullptr ? exec_id : ""; }

// Copy the caller's stdio struct, reading only the fields it has.
berth_exec_stdio stdio_of(const berth_exec_stdio *s) {
    berth_exec_stdio out{sizeof(berth_exec_stdio), 0, -1, -1, -1, 0, 0};
    if (s == nullptr) return out;
    size_t n = s->struct_size < sizeof out ? s->struct_size : sizeof out;
    std::memcpy(&out, s, n);
    out.struct_size = sizeof out;
    return out;
}

int32_t op_features(berth_instance *self, berth_call *call, char **out_json) {
    return guard(self->host, call, [&] {
        if (out_json == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_json is required");
        *out_json = host_string(self->host, self->driver.features());
        return int32_t{BERTH_OK};
    });
}

int32_t op_can_handle(berth_instance *self, berth_call *call, const char *spec_json,
                      int32_t *out_ok) {
    return guard(self->host, call, [&] {
        if (out_ok == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_ok is required");
        *out_ok = self->driver.can_handle(arg(spec_json, "spec_json")) ? 1 : 0;
        return int32_t{BERTH_OK};
    });
}

int32_t op_create(berth_instance *self, berth_call *call, const char *id,
                  const berth_exec_create_opts *opts, int32_t *out_pid) {
    return guard(self->host, call, [&] {
        if (opts == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "opts is required");
        berth_exec_create_opts o{};
        size_t n = opts->struct_size < sizeof o ? opts->struct_size : sizeof o;
        std::memcpy(&o, opts, n);
        berth_exec_stdio s = stdio_of(o.stdio);
        o.stdio = &s;
        int pid = self->driver.create(arg(id, "id"), o);
        if (out_pid != nullptr) *out_pid = pid;
        return int32_t{BERTH_OK};
    });
}

int32_t op_start(berth_instance *self, berth_call *call, const char *id) {
    return guard(self->host, call, [&] {
        self->driver.start(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_state(berth_instance *self, berth_call *call, const char *id, char **out_json) {
    return guard(self->host, call, [&] {
        if (out_json == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_json is required");
        *out_json = host_string(self->host, self->driver.state(arg(id, "id")));
        return int32_t{BERTH_OK};
    });
}

int32_t op_kill(berth_instance *self, berth_call *call, const char *id, const char *exec_id,
                int32_t signal, int32_t all) {
    return guard(self->host, call, [&] {
        self->driver.kill(arg(id, "id"), exec_of(exec_id), signal, all != 0);
        return int32_t{BERTH_OK};
    });
}

int32_t op_wait(berth_instance *self, berth_call *call, const char *id, const char *exec_id,
                int32_t *out_exit_code) {
    return guard(self->host, call, [&] {
        const berth_host *host = self->host;
        int code = self->driver.wait(arg(id, "id"), exec_of(exec_id),
                                     [host, call] { return host->is_cancelled(call) != 0; });
        if (out_exit_code != nullptr) *out_exit_code = code;
        return int32_t{BERTH_OK};
    });
}

int32_t op_delete(berth_instance *self, berth_call *call, const char *id) {
    return guard(self->host, call, [&] {
        self->driver.remove(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_attach(berth_instance *self, berth_call *call, const char *id, const char *exec_id,
                  const berth_exec_stdio *stdio) {
    return guard(self->host, call, [&] {
        self->driver.attach(arg(id, "id"), exec_of(exec_id), stdio_of(stdio));
        return int32_t{BERTH_OK};
    });
}

int32_t op_resize(berth_instance *self, berth_call *call, const char *id, const char *exec_id,
                  uint16_t rows, uint16_t cols) {
    return guard(self->host, call, [&] {
        self->driver.resize(arg(id, "id"), exec_of(exec_id), rows, cols);
        return int32_t{BERTH_OK};
    });
}

int32_t op_close_stdin(berth_instance *self, berth_call *call, const char *id,
                       const char *exec_id) {
    return guard(self->host, call, [&] {
        self->driver.close_stdin(arg(id, "id"), exec_of(exec_id));
        return int32_t{BERTH_OK};
    });
}

int32_t op_restore(berth_instance *self, berth_call *call, const char *id,
                   const char *options_json) {
    return guard(self->host, call, [&] {
        self->driver.restore(arg(id, "id"), options_json ? options_json : "");
        return int32_t{BERTH_OK};
    });
}

int32_t op_exec(berth_instance *self, berth_call *call, const char *id, const char *exec_id,
                const char *process_json, const berth_exec_stdio *stdio, int32_t *out_pid) {
    return guard(self->host, call, [&] {
        int pid = self->driver.exec(arg(id, "id"), arg(exec_id, "exec_id"),
                                    arg(process_json, "process_json"), stdio_of(stdio));
        if (out_pid != nullptr) *out_pid = pid;
        return int32_t{BERTH_OK};
    });
}

int32_t op_pause(berth_instance *self, berth_call *call, const char *id) {
    return guard(self->host, call, [&] {
        self->driver.pause(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_resume(berth_instance *self, berth_call *call, const char *id) {
    return guard(self->host, call, [&] {
        self->driver.resume(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_update(berth_instance *self, berth_call *call, const char *id,
                  const char *resources_json) {
    return guard(self->host, call, [&] {
        self->driver.update(arg(id, "id"), arg(resources_json, "resources_json"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_pids(berth_instance *self, berth_call *call, const char *id, char **out_json) {
    return guard(self->host, call, [&] {
        if (out_json == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_json is required");
        *out_json = host_string(self->host, self->driver.pids(arg(id, "id")));
        return int32_t{BERTH_OK};
    });
}

int32_t op_stats(berth_instance *self, berth_call *call, const char *id, char **out_json) {
    return guard(self->host, call, [&] {
        if (out_json == nullptr) throw berth::sdk::error(BERTH_E_INVAL, "out_json is required");
        *out_json = host_string(self->host, self->driver.stats(arg(id, "id")));
        return int32_t{BERTH_OK};
    });
}

int32_t plugin_init(const berth_host *host, const char *config_json, berth_instance **out,
                    berth_call *call) {
    return guard(host, call, [&] {
        std::string shim = berth::execrunc::default_shim_path(), runtime;
        auto cfg = nlohmann::json::parse(config_json ? config_json : "{}", nullptr, false);
        if (cfg.is_object() && cfg.contains("shim-path") && cfg["shim-path"].is_string())
            shim = cfg["shim-path"].get<std::string>();
        // The runtime features() and can_handle() answer for.
        if (cfg.is_object() && cfg.contains("runtime-path") && cfg["runtime-path"].is_string())
            runtime = cfg["runtime-path"].get<std::string>();
        *out = new berth_instance{host, plugin_name, berth::execrunc::Driver(host, shim, runtime)};
        return int32_t{BERTH_OK};
    });
}

void plugin_fini(berth_instance *self) { delete self; }

constexpr berth_exec_ops ops = {
    .struct_size = sizeof(berth_exec_ops),
    .reserved0 = 0,
    .features = op_features,
    .can_handle = op_can_handle,
    .create = op_create,
    .start = op_start,
    .state = op_state,
    .kill = op_kill,
    .wait = op_wait,
    .delete_container = op_delete,
    .exec = op_exec,
    .attach = op_attach,
    .resize_pty = op_resize,
    .close_stdin = op_close_stdin,
    .pause = op_pause,
    .resume = op_resume,
    .update = op_update,
    .pids = op_pids,
    .stats = op_stats,
    .restore = op_restore,
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
    .init = plugin_init,
    .fini = plugin_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
