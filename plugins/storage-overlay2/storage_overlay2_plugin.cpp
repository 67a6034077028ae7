// storage-overlay2: layers as overlayfs lower directories, modelled on
// dockerd's overlay2 graph driver. This file is only the ABI glue: the
// descriptor, and one trampoline per operation that checks the C arguments,
// runs the Driver method inside op_guard (so no exception crosses the ABI)
// and hands outputs over in host-owned memory.
#include "driver.hpp"
#include "errors.hpp"
#include "op_guard.hpp"

#include <berth/sdk.hpp>
#include <berth/storage.h>

#include <cstddef>
#include <memory>
#include <string>

// The plugin's instance type (opaque to the host, see abi.h).
struct berth_instance {
    const berth_host *host;
    berth::overlay2::Driver driver;
};

namespace {

namespace ov = berth::overlay2;
using berth::sdk::host_string;

// A required string argument as std::string; INVAL when NULL.
std::string arg(const char *s, const char *name) {
    if (s == nullptr) ov::fail(BERTH_E_INVAL, std::string(name) + " is required");
    return s;
}

template <class T>
void require_out(T *p, const char *name) {
    if (p == nullptr) ov::fail(BERTH_E_INVAL, std::string(name) + " must not be NULL");
}

int32_t op_status(berth_instance *self, berth_call *call, char **out_json) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_json, "out_json");
        *out_json = host_string(self->host, self->driver.status_json());
        return int32_t{BERTH_OK};
    });
}

int32_t op_create(berth_instance *self, berth_call *call, const char *id, const char *parent,
                  const berth_storage_create_opts *opts) {
    return ov::op_guard(self->host, call, [&] {
        // Read only the fields the caller's struct has (size negotiation).
        int32_t rw = 0;
        const char *storage_opts = nullptr;
        if (opts != nullptr) {
            const size_t size = opts->struct_size;
            if (size >= offsetof(berth_storage_create_opts, rw) + sizeof opts->rw) rw = opts->rw;
            if (size >= offsetof(berth_storage_create_opts, storage_opts_json) + sizeof(const char *))
                storage_opts = opts->storage_opts_json;
        }
        self->driver.create(arg(id, "id"), parent ? parent : "", rw != 0, storage_opts);
        return int32_t{BERTH_OK};
    });
}

int32_t op_remove(berth_instance *self, berth_call *call, const char *id) {
    return ov::op_guard(self->host, call, [&] {
        self->driver.remove(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_exists(berth_instance *self, berth_call *call, const char *id, int32_t *out_exists) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_exists, "out_exists");
        *out_exists = self->driver.exists(arg(id, "id")) ? 1 : 0;
        return int32_t{BERTH_OK};
    });
}

int32_t op_get(berth_instance *self, berth_call *call, const char *id, const char *mount_label,
               char **out_path) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_path, "out_path");
        const std::string layer = arg(id, "id");
        const auto path = self->driver.get(layer, mount_label);
        try {
            *out_path = host_string(self->host, path.native());
        } catch (...) {
            self->driver.put(layer); // the caller got no path, so holds no reference
            throw;
        }
        return int32_t{BERTH_OK};
    });
}

int32_t op_put(berth_instance *self, berth_call *call, const char *id) {
    return ov::op_guard(self->host, call, [&] {
        self->driver.put(arg(id, "id"));
        return int32_t{BERTH_OK};
    });
}

int32_t op_diff(berth_instance *self, berth_call *call, const char *id, const char *parent, int out_fd) {
    return ov::op_guard(self->host, call, [&] {
        self->driver.diff(arg(id, "id"), parent, out_fd);
        return int32_t{BERTH_OK};
    });
}

int32_t op_changes(berth_instance *self, berth_call *call, const char *id, const char *parent,
                   char **out_json) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_json, "out_json");
        *out_json = host_string(self->host, self->driver.changes_json(arg(id, "id"), parent));
        return int32_t{BERTH_OK};
    });
}

int32_t op_apply_diff(berth_instance *self, berth_call *call, const char *id, const char *parent, int in_fd,
                      int64_t *out_size) {
    return ov::op_guard(self->host, call, [&] {
        const int64_t size = self->driver.apply_diff(arg(id, "id"), parent, in_fd);
        if (out_size != nullptr) *out_size = size;
        return int32_t{BERTH_OK};
    });
}

int32_t op_diff_size(berth_instance *self, berth_call *call, const char *id, const char *parent,
                     int64_t *out_size) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_size, "out_size");
        *out_size = self->driver.diff_size(arg(id, "id"), parent);
        return int32_t{BERTH_OK};
    });
}

int32_t op_usage(berth_instance *self, berth_call *call, const char *id, int64_t *out_bytes,
                 int64_t *out_inodes) {
    return ov::op_guard(self->host, call, [&] {
        int64_t bytes = 0, inodes = 0;
        self->driver.usage(arg(id, "id"), bytes, inodes);
        if (out_bytes != nullptr) *out_bytes = bytes;
        if (out_inodes != nullptr) *out_inodes = inodes;
        return int32_t{BERTH_OK};
    });
}

int32_t op_metadata(berth_instance *self, berth_call *call, const char *id, char **out_json) {
    return ov::op_guard(self->host, call, [&] {
        require_out(out_json, "out_json");
        *out_json = host_string(self->host, self->driver.metadata_json(arg(id, "id")));
        return int32_t{BERTH_OK};
    });
}

int32_t op_cleanup(berth_instance *self, berth_call *call) {
    return ov::op_guard(self->host, call, [&] {
        self->driver.cleanup();
        return int32_t{BERTH_OK};
    });
}

int32_t init(const berth_host *host, const char *config_json, berth_instance **out, berth_call *call) {
    return ov::op_guard(host, call, [&] {
        require_out(out, "out");
        *out = new berth_instance{host, ov::Driver(host, config_json)};
        return int32_t{BERTH_OK};
    });
}

// Mounts stay: fini also ends a generation during a hot swap, when the
// next generation takes over the very same mounts. cleanup() is the
// shutdown path that unmounts.
void fini(berth_instance *self) { delete self; }

constexpr berth_storage_ops ops = {
    .struct_size = sizeof(berth_storage_ops),
    .reserved0 = 0,
    .status = op_status,
    .create = op_create,
    .remove = op_remove,
    .exists = op_exists,
    .get = op_get,
    .put = op_put,
    .diff = op_diff,
    .changes = op_changes,
    .apply_diff = op_apply_diff,
    .diff_size = op_diff_size,
    .usage = op_usage,
    .metadata = op_metadata,
    .mounts = nullptr, // the host mounts through get/put
    .cleanup = op_cleanup,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_STORAGE,
    .name = "overlay2",
    .ops = &ops,
    .ops_size = sizeof(berth_storage_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE | BERTH_STORAGE_CAP_NATIVE_DIFF,
    .state_schema = nullptr,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "storage-overlay2",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "Layers as overlayfs lower directories",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
