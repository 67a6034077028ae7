#include "plugins/descriptor_check.h"

#include <berth/authz.h>
#include <berth/exec.h>
#include <berth/log.h>
#include <berth/network.h>
#include <berth/storage.h>

#include <cstddef>
#include <regex>
#include <sys/types.h>

namespace berth::plugins {
namespace {

// Size of the v1.0 descriptor: everything through the reserved pointers.
constexpr size_t descriptor_v1_0_size = sizeof(berth_plugin_descriptor);
constexpr size_t driver_entry_v1_0_size = sizeof(berth_driver_entry);

bool empty(const char *s) { return s == nullptr || *s == '\0'; }

std::string str(const char *s) { return s ? std::string(s) : std::string(); }

uint8_t host_byte_order() { return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 1 : 2; }

bool valid_driver_name(const char *s) {
    static const std::regex re("[a-z0-9][a-z0-9._-]{0,63}");
    return !empty(s) && std::regex_match(s, re);
}

} // namespace

uint32_t min_ops_size(uint32_t kind) {
    switch (kind) {
    case BERTH_KIND_STORAGE: return BERTH_STORAGE_OPS_V1_0_SIZE;
    case BERTH_KIND_NETWORK: return BERTH_NETWORK_OPS_V1_0_SIZE;
    case BERTH_KIND_EXEC: return BERTH_EXEC_OPS_V1_0_SIZE;
    case BERTH_KIND_LOG: return BERTH_LOG_OPS_V1_0_SIZE;
    case BERTH_KIND_AUTHZ: return BERTH_AUTHZ_OPS_V1_0_SIZE;
    default: return 0;
    }
}

std::string kind_name(uint32_t kind) {
    switch (kind) {
    case BERTH_KIND_STORAGE: return "storage";
    case BERTH_KIND_NETWORK: return "network";
    case BERTH_KIND_EXEC: return "exec";
    case BERTH_KIND_LOG: return "log";
    case BERTH_KIND_AUTHZ: return "authz";
    default: return "kind-" + std::to_string(kind);
    }
}

std::optional<std::string> check_descriptor(const berth_plugin_descriptor *d, const HostAbi &host) {
    if (d == nullptr) return "entry symbol returned no descriptor";
    if (d->magic != BERTH_PLUGIN_MAGIC) return "bad magic: not a Berth plugin descriptor";
    if (d->struct_size < descriptor_v1_0_size)
        return "descriptor too small: " + std::to_string(d->struct_size) + " bytes, ABI 1.0 needs " +
               std::to_string(descriptor_v1_0_size);
    if (d->abi_major != host.major)
        return "ABI major differs: plugin " + std::to_string(d->abi_major) + ", host " +
               std::to_string(host.major);
    if (d->min_host_minor > host.minor)
        return "requires a newer host: plugin needs ABI " + std::to_string(d->abi_major) + "." +
               std::to_string(d->min_host_minor) + ", host has " + std::to_string(host.major) + "." +
               std::to_string(host.minor);
    if (d->pointer_size != sizeof(void *) || d->byte_order != host_byte_order() ||
        d->off_t_size != sizeof(off_t))
        return "built for another platform: pointer size " + std::to_string(d->pointer_size) +
               ", byte order " + std::to_string(d->byte_order) + ", off_t " +
               std::to_string(d->off_t_size);
    if (empty(d->name)) return "malformed descriptor: empty name";
    if (empty(d->version)) return "malformed descriptor: empty version";
    if (d->init == nullptr || d->fini == nullptr) return "malformed descriptor: init or fini is NULL";
    if (d->n_drivers == 0 || d->drivers == nullptr) return "malformed descriptor: no drivers";
    for (uint32_t i = 0; i < d->n_drivers; ++i) {
        const berth_driver_entry &e = d->drivers[i];
        const std::string where = "driver " + std::to_string(i);
        if (e.struct_size < driver_entry_v1_0_size)
            return "malformed descriptor: " + where + " entry too small";
        if (!valid_driver_name(e.name))
            return "malformed descriptor: " + where + " has an invalid name (want [a-z0-9._-], 1-64)";
        const uint32_t need = min_ops_size(e.kind);
        if (need == 0) continue; // a kind this host does not know: ignored, not fatal
        if (e.ops == nullptr || e.ops_size < need)
            return "malformed descriptor: " + kind_name(e.kind) + " driver " + e.name +
                   " has an operation table of " + std::to_string(e.ops_size) + " bytes, ABI 1.0 needs " +
                   std::to_string(need);
        if (*static_cast<const uint32_t *>(e.ops) != e.ops_size)
            return "malformed descriptor: " + kind_name(e.kind) + " driver " + e.name +
                   ": ops struct_size does not match ops_size";
    }
    return std::nullopt;
}

DescriptorInfo copy_descriptor(const berth_plugin_descriptor *d) {
    DescriptorInfo info;
    info.name = str(d->name);
    info.version = str(d->version);
    info.vendor = str(d->vendor);
    info.license = str(d->license);
    info.build_id = str(d->build_id);
    info.description = str(d->description);
    info.abi_major = d->abi_major;
    info.abi_minor = d->abi_minor;
    info.min_host_minor = d->min_host_minor;
    for (uint32_t i = 0; i < d->n_drivers; ++i) {
        const berth_driver_entry &e = d->drivers[i];
        info.drivers.push_back(DriverInfo{e.kind, str(e.name), e.ops, e.ops_size, e.caps,
                                          str(e.state_schema)});
    }
    return info;
}

} // namespace berth::plugins
