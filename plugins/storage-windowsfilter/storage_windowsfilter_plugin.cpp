// storage-windowsfilter: Windows container layers (HCS).
//
// On Windows this driver would hand layers to the Host Compute Service
// (docs/windowsfilter.md). This tree builds it for Linux hosts only, where
// there is no HCS: the plugin loads everywhere so `berth plugin ls` lists it,
// and init answers BERTH_E_PREREQ so driver probing moves on. The
// platform-independent part — checking and converting the Windows layer tar
// layout — lives in layout/ (berth_windowsfilter_layout) and is unit-tested.
#include <berth/sdk.hpp>
#include <berth/storage.h>

namespace {

namespace sdk = berth::sdk;

constexpr char plugin_name[] = "storage-windowsfilter";
constexpr char prereq_message[] = "windowsfilter needs a Windows host (HCS)";

// What an instance would keep. init refuses on this platform, so none is
// ever made; the type exists so every operation has the same guarded shape
// a Windows build would fill in.
struct instance {
    const berth_host *host;
};

// Every operation: PREREQ with the reason, inside sdk::guard like any other
// driver's operation. Reachable only through a host bug (no instance
// exists), hence the NULL check before touching self.
template <class... Args>
int32_t op_unavailable(berth_instance *self, berth_call *call, Args...) noexcept {
    if (self == nullptr) return BERTH_E_PREREQ;
    const berth_host *host = reinterpret_cast<instance *>(self)->host;
    return sdk::guard(host, call, []() -> int32_t { throw sdk::error(BERTH_E_PREREQ, prereq_message); });
}

int32_t plugin_init(const berth_host *host, const char *, berth_instance **, berth_call *call) {
    return sdk::guard(host, call, []() -> int32_t { throw sdk::error(BERTH_E_PREREQ, prereq_message); });
}

void plugin_fini(berth_instance *self) {
    delete reinterpret_cast<instance *>(self);
}

constexpr berth_storage_ops ops = {
    .struct_size = sizeof(berth_storage_ops),
    .reserved0 = 0,
    .status = op_unavailable<char **>,
    .create = op_unavailable<const char *, const char *, const berth_storage_create_opts *>,
    .remove = op_unavailable<const char *>,
    .exists = op_unavailable<const char *, int32_t *>,
    .get = op_unavailable<const char *, const char *, char **>,
    .put = op_unavailable<const char *>,
    .diff = op_unavailable<const char *, const char *, int>,
    .changes = op_unavailable<const char *, const char *, char **>,
    .apply_diff = op_unavailable<const char *, const char *, int, int64_t *>,
    .diff_size = op_unavailable<const char *, const char *, int64_t *>,
    .usage = op_unavailable<const char *, int64_t *, int64_t *>,
    .metadata = op_unavailable<const char *, char **>,
    .mounts = op_unavailable<const char *, char **>,
    .cleanup = op_unavailable<>,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_STORAGE,
    .name = "windowsfilter",
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
    .description = "Windows container layers (HCS); PREREQ on Linux",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = plugin_init,
    .fini = plugin_fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
