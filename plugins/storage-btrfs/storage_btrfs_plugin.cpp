// storage-btrfs: layers as btrfs subvolumes and snapshots.
//
// This file is only the ABI boundary: the descriptor, and one thin wrapper
// per operation that checks arguments, runs the Driver inside
// berth::sdk::guard (no exception crosses into the host) and hands outputs
// over in host-owned memory. The driver itself is in driver*.cpp.
#include <berth/sdk.hpp>
#include <berth/storage.h>

#include "driver.hpp"

#include <cstddef>
#include <string>

namespace {

using berth::btrfs::Driver;
namespace sdk = berth::sdk;

constexpr char plugin_name[] = "storage-btrfs";

Driver &driver(berth_instance *self) {
    return *reinterpret_cast<Driver *>(self);
}

// A required string argument; NULL is the caller's bug.
std::string need(const char *s, const char *what) {
    if (s == nullptr) throw sdk::error(BERTH_E_INVAL, std::string("btrfs: ") + what + " is NULL");
    return s;
}

template <class T>
T *need_out(T *p, const char *what) {
    if (p == nullptr) throw sdk::error(BERTH_E_INVAL, std::string("btrfs: ") + what + " is NULL");
    return p;
}

// True when the caller's create opts struct is large enough to hold `field`.
#define BTRFS_OPTS_HAS(opts, field)                                                                 \
    ((opts) != nullptr && (opts)->struct_size >= offsetof(berth_storage_create_opts, field) +      \
                                                     sizeof((opts)->field))

int32_t op_status(berth_instance *self, berth_call *call, char **out_json) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        *need_out(out_json, "out_json") = sdk::host_string(d.host(), d.status_json());
        return BERTH_OK;
    });
}

int32_t op_create(berth_instance *self, berth_call *call, const char *id, const char *parent,
                  const berth_storage_create_opts *opts) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        bool rw = BTRFS_OPTS_HAS(opts, rw) && opts->rw != 0;
        // mount_label is not used: nothing is mounted, and dockerd's btrfs
        // driver relabels nothing for an empty label either.
        const char *storage_opts = BTRFS_OPTS_HAS(opts, storage_opts_json) ? opts->storage_opts_json : nullptr;
        d.create(need(id, "id"), parent ? parent : "", rw, storage_opts);
        return BERTH_OK;
    });
}

int32_t op_remove(berth_instance *self, berth_call *call, const char *id) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        d.remove(need(id, "id"));
        return BERTH_OK;
    });
}

int32_t op_exists(berth_instance *self, berth_call *call, const char *id, int32_t *out_exists) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        *need_out(out_exists, "out_exists") = d.exists(need(id, "id")) ? 1 : 0;
        return BERTH_OK;
    });
}

int32_t op_get(berth_instance *self, berth_call *call, const char *id, const char *, char **out_path) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        need_out(out_path, "out_path");
        std::string path = d.get(need(id, "id"));
        try {
            *out_path = sdk::host_string(d.host(), path);
        } catch (...) {
            d.put(id); // the caller never saw the reference
            throw;
        }
        return BERTH_OK;
    });
}

int32_t op_put(berth_instance *self, berth_call *call, const char *id) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        d.put(need(id, "id"));
        return BERTH_OK;
    });
}

int32_t op_diff(berth_instance *self, berth_call *call, const char *id, const char *parent, int out_fd) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        d.diff(need(id, "id"), parent, out_fd);
        return BERTH_OK;
    });
}

int32_t op_changes(berth_instance *self, berth_call *call, const char *id, const char *parent, char **out_json) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        need_out(out_json, "out_json");
        *out_json = sdk::host_string(d.host(), d.changes_json(need(id, "id"), parent));
        return BERTH_OK;
    });
}

int32_t op_apply_diff(berth_instance *self, berth_call *call, const char *id, const char *, int in_fd,
                      int64_t *out_size) {
    Driver &d = driver(self);
    // parent is not needed: the layer was created as a snapshot of it.
    return sdk::guard(d.host(), call, [&] {
        int64_t size = d.apply_diff(need(id, "id"), in_fd);
        if (out_size != nullptr) *out_size = size;
        return BERTH_OK;
    });
}

int32_t op_diff_size(berth_instance *self, berth_call *call, const char *id, const char *parent,
                     int64_t *out_size) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        need_out(out_size, "out_size");
        *out_size = d.diff_size(need(id, "id"), parent);
        return BERTH_OK;
    });
}

int32_t op_usage(berth_instance *self, berth_call *call, const char *id, int64_t *out_bytes, int64_t *out_inodes) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        need_out(out_bytes, "out_bytes");
        need_out(out_inodes, "out_inodes");
        d.usage(need(id, "id"), *out_bytes, *out_inodes);
        return BERTH_OK;
    });
}

int32_t op_metadata(berth_instance *self, berth_call *call, const char *id, char **out_json) {
    Driver &d = driver(self);
    return sdk::guard(d.host(), call, [&] {
        need_out(out_json, "out_json");
        *out_json = sdk::host_string(d.host(), d.metadata_json(need(id, "id")));
        return BERTH_OK;
    });
}

int32_t op_cleanup(berth_instance *self, berth_call *call) {
    Driver &d = driver(self);
    // Nothing is mounted and no kernel object outlives a call.
    return sdk::guard(d.host(), call, [] { return BERTH_OK; });
}

int32_t plugin_init(const berth_host *host, const char *config_json, berth_instance **out, berth_call *call) {
    return sdk::guard(host, call, [&] {
        need_out(out, "out");
        *out = reinterpret_cast<berth_instance *>(Driver::open(host, config_json).release());
        return BERTH_OK;
    });
}

void plugin_fini(berth_instance *self) {
    delete reinterpret_cast<Driver *>(self);
}

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
    .mounts = nullptr, // get() returns a plain directory; the host has nothing to mount
    .cleanup = op_cleanup,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_STORAGE,
    .name = "btrfs",
    .ops = &ops,
    .ops_size = sizeof(berth_storage_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE | BERTH_STORAGE_CAP_QUOTA,
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
    .description = "Layers as btrfs subvolumes and snapshots",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = plugin_init,
    .fini = plugin_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
