#include "loader.hpp"

#include "strf.hpp"

#include <berth/storage.h>

#include <dlfcn.h>

#include <cstring>

namespace conformance {

const std::vector<std::pair<const char *, const char *>> &load_cases() {
    static const std::vector<std::pair<const char *, const char *>> cases = {
        {"plugin.dlopen", "the file loads with RTLD_NOW | RTLD_LOCAL"},
        {"descriptor.entry-symbol", "berth_plugin_v1 exists and returns the same descriptor every time"},
        {"descriptor.magic", "magic is BERTH_PLUGIN_MAGIC"},
        {"descriptor.struct-size", "struct_size covers the v1.0 descriptor"},
        {"descriptor.abi-major", "abi_major equals the kit's BERTH_ABI_MAJOR"},
        {"descriptor.min-host-minor", "min_host_minor <= the kit's BERTH_ABI_MINOR"},
        {"descriptor.platform", "pointer size, byte order and off_t size match"},
        {"descriptor.fields", "name and version set, init and fini present, at least one driver"},
        {"descriptor.storage-driver", "a storage driver entry (the one --driver names) with a valid name"},
        {"descriptor.ops-size", "the storage ops table covers v1.0 and starts with its own size"},
        {"plugin.init", "init(\"{}\") returns OK (PREREQ: the run is skipped, exit 77)"},
    };
    return cases;
}

namespace {

bool valid_driver_name(const char *n) {
    if (n == nullptr) return false;
    size_t len = std::strlen(n);
    if (len == 0 || len > 64) return false;
    for (size_t i = 0; i < len; ++i) {
        char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
    }
    return true;
}

bool nonempty(const char *s) { return s != nullptr && s[0] != '\0'; }

} // namespace

std::optional<Loaded> load_plugin(const std::string &path, const std::string &driver, Reporter &rep) {
    // Each check passes or ends the run, like the host's refusal would.
    auto check = [&](const char *name, bool ok, const std::string &why) {
        if (ok) rep.pass(name);
        else rep.fail(name, why);
        return ok;
    };

    Loaded l;
    // RTLD_LOCAL: the plugin's symbols must not satisfy anything else, as
    // in berthd. The kit never dlcloses: the process ends after fini.
    l.handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!check("plugin.dlopen", l.handle != nullptr, std::string("dlopen failed: ") + (l.handle ? "" : ::dlerror())))
        return std::nullopt;

    // One verdict for the entry symbol: present, non-NULL, and static.
    void *sym = ::dlsym(l.handle, BERTH_PLUGIN_ENTRY_SYMBOL);
    const berth_plugin_descriptor *d = nullptr;
    std::string entry_bad = "the file does not export " BERTH_PLUGIN_ENTRY_SYMBOL " (missing entry symbol)";
    if (sym != nullptr) {
        auto entry = reinterpret_cast<berth_plugin_entry_fn>(sym);
        d = entry();
        if (d == nullptr) entry_bad = BERTH_PLUGIN_ENTRY_SYMBOL "() returned NULL";
        else if (entry() != d)
            entry_bad = BERTH_PLUGIN_ENTRY_SYMBOL "() returned a different descriptor on its second call (it must "
                                                  "return one static descriptor)";
        else entry_bad.clear();
    }
    if (!check("descriptor.entry-symbol", entry_bad.empty(), entry_bad)) return std::nullopt;
    l.desc = d;

    if (!check("descriptor.magic", d->magic == BERTH_PLUGIN_MAGIC,
               strf("magic is 0x%016llx, expected BERTH_PLUGIN_MAGIC 0x%016llx (bad magic)",
                    static_cast<unsigned long long>(d->magic), static_cast<unsigned long long>(BERTH_PLUGIN_MAGIC))))
        return std::nullopt;
    // At ABI 1.0 the kit's sizeof is the v1.0 size; a newer plugin may be larger.
    if (!check("descriptor.struct-size", d->struct_size >= sizeof(berth_plugin_descriptor),
               strf("struct_size is %u, smaller than the v1.0 descriptor (%zu bytes) (descriptor too small)",
                    d->struct_size, sizeof(berth_plugin_descriptor))))
        return std::nullopt;
    if (!check("descriptor.abi-major", d->abi_major == BERTH_ABI_MAJOR,
               strf("abi_major is %u, the host's is %d (ABI major differs)", d->abi_major, BERTH_ABI_MAJOR)))
        return std::nullopt;
    if (!check("descriptor.min-host-minor", d->min_host_minor <= BERTH_ABI_MINOR,
               strf("min_host_minor is %u, but this host implements ABI 1.%d (requires a newer host)",
                    d->min_host_minor, BERTH_ABI_MINOR)))
        return std::nullopt;
    uint8_t order = (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? 1 : 2;
    if (!check("descriptor.platform",
               d->pointer_size == sizeof(void *) && d->byte_order == order && d->off_t_size == 8,
               strf("compatibility tuple is pointer_size %u, byte_order %u, off_t_size %u; the host has %zu, %u, 8 "
                    "(built for another platform)",
                    d->pointer_size, d->byte_order, d->off_t_size, sizeof(void *), order)))
        return std::nullopt;
    std::string bad;
    if (!nonempty(d->name)) bad += "name is empty; ";
    if (!nonempty(d->version)) bad += "version is empty; ";
    if (d->init == nullptr) bad += "init is NULL; ";
    if (d->fini == nullptr) bad += "fini is NULL; ";
    if (d->n_drivers < 1 || d->drivers == nullptr) bad += "no driver entries; ";
    if (!check("descriptor.fields", bad.empty(), "malformed descriptor: " + bad.substr(0, bad.size() - 2)))
        return std::nullopt;

    const berth_driver_entry *found = nullptr;
    std::string names;
    for (uint32_t i = 0; i < d->n_drivers; ++i) {
        const berth_driver_entry &e = d->drivers[i];
        if (e.kind != BERTH_KIND_STORAGE) continue;
        names += std::string(names.empty() ? "" : ", ") + (e.name ? e.name : "(null)");
        if (found == nullptr && (driver.empty() || (e.name != nullptr && driver == e.name))) found = &e;
    }
    std::string why = driver.empty() ? std::string("the plugin serves no storage driver (kind 1)")
                                     : "the plugin has no storage driver named " + driver +
                                           (names.empty() ? " (it serves none)" : " (it serves: " + names + ")");
    if (found != nullptr && found->struct_size < sizeof(berth_driver_entry))
        why = strf("driver entry struct_size is %u, smaller than the v1.0 entry (%zu)", found->struct_size,
                   sizeof(berth_driver_entry));
    else if (found != nullptr && !valid_driver_name(found->name))
        why = std::string("driver name \"") + (found->name ? found->name : "(null)") +
              "\" is not 1-64 characters of [a-z0-9._-]";
    bool entry_ok = found != nullptr && found->struct_size >= sizeof(berth_driver_entry) && valid_driver_name(found->name);
    if (!check("descriptor.storage-driver", entry_ok, why)) return std::nullopt;
    l.entry = found;

    const auto *ops = static_cast<const berth_storage_ops *>(found->ops);
    std::string ops_bad;
    if (ops == nullptr) ops_bad = "the storage driver's ops table is NULL";
    else if (found->ops_size < BERTH_STORAGE_OPS_V1_0_SIZE)
        ops_bad = strf("ops_size is %u, smaller than the v1.0 storage table (%zu bytes)", found->ops_size,
                       static_cast<size_t>(BERTH_STORAGE_OPS_V1_0_SIZE));
    else if (ops->struct_size != found->ops_size)
        ops_bad = strf("the ops table starts with struct_size %u but the entry says ops_size %u (they must be equal)",
                       ops->struct_size, found->ops_size);
    if (!check("descriptor.ops-size", ops_bad.empty(), "malformed descriptor: " + ops_bad)) return std::nullopt;
    return l;
}

} // namespace conformance
