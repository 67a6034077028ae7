/*
 * berth/abi.h — the handshake between berthd and a driver plugin.
 *
 * A Berth plugin is a shared library (libberth-<kind>-<name>.so.<ABI major>)
 * that exports exactly one function, berth_plugin_v1(). It returns a pointer to
 * a static, read-only berth_plugin_descriptor. The host reads and checks the
 * descriptor before it runs any other plugin code, in this order, and refuses
 * the file with its own reason at the first failure:
 *
 *   1. the entry symbol exists                      ("missing entry symbol")
 *   2. magic == BERTH_PLUGIN_MAGIC                   ("bad magic")
 *   3. struct_size >= the v1.0 descriptor size       ("descriptor too small")
 *   4. abi_major == host major                       ("ABI major differs")
 *   5. min_host_minor <= host minor                  ("requires a newer host")
 *   6. the compatibility tuple matches the host      ("built for another platform")
 *   7. name/version strings are non-empty; each driver's ops_size covers the
 *      kind's v1.0 table                             ("malformed descriptor")
 *   8. no other loaded plugin serves the same kind+name ("duplicate")
 *   9. init() returns BERTH_OK                       ("init failed: <message>")
 *
 * VERSIONING RULES (the contract with vendors; docs/plugin-authors.md has the
 * long form):
 *   - ABI major: bumped only for a break. The major is part of the entry symbol
 *     name, so a v2 host can still find and accept berth_plugin_v1 during one
 *     overlapping release.
 *   - ABI minor: bumped for every addition. Structs and operation tables only
 *     grow at their end; nothing is reordered, retyped or removed. A retired
 *     operation stays as a slot that may be NULL.
 *   - Size negotiation: every struct that can grow starts with struct_size. The
 *     reader uses min(its own size, struct_size); a field past struct_size is
 *     absent. Plugins check berth_host.struct_size before using host services
 *     newer than v1.0; the host checks ops_size before calling newer ops.
 *   - A NULL operation means "not supported": the host answers BERTH_E_NOTSUP
 *     itself without calling the plugin.
 *   - Enumerations are append-only; both sides accept values they do not know.
 *
 * THREADS: berth_plugin_v1() may be called from any thread, any number of
 * times, and must have no side effects. init/fini are called once each, never
 * concurrently with each other or with any operation of the same instance.
 *
 * This header is C11 and includes only <stddef.h> and <stdint.h>.
 * SINCE: ABI 1.0 for everything in this file unless a field says otherwise.
 */
#ifndef BERTH_ABI_H
#define BERTH_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. A plugin compiled against it records these
 * numbers in its descriptor; the host compares them with its own. */
#define BERTH_ABI_MAJOR 1
#define BERTH_ABI_MINOR 0

/* "BERTHPLG" read as a little-endian 64-bit integer. */
#define BERTH_PLUGIN_MAGIC UINT64_C(0x474c504854524542)

/* The name of the entry symbol for this ABI major, for hosts and tools. */
#define BERTH_PLUGIN_ENTRY_SYMBOL "berth_plugin_v1"

/* Exported symbols: plugins should be built with -fvisibility=hidden; this
 * macro marks the one symbol that must be visible. */
#if defined(__GNUC__)
#define BERTH_EXPORT __attribute__((visibility("default")))
#else
#define BERTH_EXPORT
#endif
#ifdef __cplusplus
#define BERTH_EXTERN_C extern "C"
#else
#define BERTH_EXTERN_C
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/* Every operation returns int32_t: BERTH_OK or one negative code below. The
 * set is closed per minor and only grows; a host or plugin that receives a
 * code it does not know treats it as BERTH_E_INTERNAL. Details travel in the
 * call's error slot (see berth_host.err_set in host.h), never in the code. */
typedef enum berth_status {
    BERTH_OK = 0,
    BERTH_E_NOTFOUND = -1,  /* the named object (layer, network, ...) does not exist */
    BERTH_E_EXISTS = -2,    /* an object with that id already exists */
    BERTH_E_INVAL = -3,     /* an argument or option is malformed; say which */
    BERTH_E_NOTSUP = -4,    /* this driver does not do that (also: NULL op) */
    BERTH_E_BUSY = -5,      /* in use: mounted, has children, has endpoints */
    BERTH_E_PERM = -6,      /* the kernel or a policy refused */
    BERTH_E_IO = -7,        /* a read or write failed; the message names the path */
    BERTH_E_TIMEOUT = -8,   /* the call's deadline passed */
    BERTH_E_AGAIN = -9,     /* transient; the same call may succeed later */
    BERTH_E_RANGE = -10,    /* a caller buffer is too small; needed size returned */
    BERTH_E_PREREQ = -11,   /* not usable on this host (kernel, filesystem, OS);
                               priority probing moves on to the next driver */
    BERTH_E_INTERNAL = -12  /* a bug, or an exception caught at the boundary */
} berth_status;

/* ------------------------------------------------------------------------ */
/* Plain data types that cross the boundary                                  */
/* ------------------------------------------------------------------------ */

/* A borrowed UTF-8 byte range; not necessarily NUL-terminated.
 * OWNERSHIP: whoever passes it keeps it; valid only for the call. */
typedef struct berth_str {
    const char *ptr;
    size_t len;
} berth_str;

/* Plugin kinds. Append-only: a host ignores drivers of a kind it does not
 * know (and lists them as such); it never refuses the whole file for that. */
typedef enum berth_plugin_kind {
    BERTH_KIND_STORAGE = 1, /* graph driver: layers and container rootfs (storage.h) */
    BERTH_KIND_NETWORK = 2, /* network driver (network.h) */
    BERTH_KIND_EXEC = 3,    /* execution driver: OCI runtime + shim (exec.h) */
    BERTH_KIND_LOG = 4,     /* log driver (log.h) */
    BERTH_KIND_AUTHZ = 5    /* authorization plugin (authz.h) */
} berth_plugin_kind;

/* Capability bits, in berth_driver_entry.caps. Only for semantics a NULL or
 * non-NULL operation pointer cannot express. Bits 0-31 are generic, 32-63
 * belong to the kind's header. Unknown bits are ignored. */
#define BERTH_CAP_THREADSAFE (UINT64_C(1) << 0)
/* Operations of one instance may run concurrently on many threads. Without
 * this bit the host serialises every call into the instance. */
#define BERTH_CAP_STATE_HANDOVER (UINT64_C(1) << 1)
/* The driver implements export_state/import_state for hot swap, and
 * berth_driver_entry.state_schema names the format. */
#define BERTH_CAP_UNLOADABLE (UINT64_C(1) << 2)
/* After fini the library holds no threads, handlers or TLS, so the host may
 * dlclose it. Without this bit a retired generation stays resident. */

/* Opaque types. berth_instance is the plugin's own state, returned by init
 * and passed back as the first argument of every operation (OWNER: plugin,
 * freed by fini). berth_call is the host's per-call context: cancellation,
 * deadline and the error slot (OWNER: host, valid for the call only). */
typedef struct berth_instance berth_instance;
typedef struct berth_call berth_call;
typedef struct berth_host berth_host; /* defined in host.h */

/* One driver served by the plugin. A plugin usually serves one driver; a
 * vendor may bundle several (each its own kind+name). */
typedef struct berth_driver_entry {
    /* sizeof(berth_driver_entry) as the plugin was compiled. */
    uint32_t struct_size;
    /* A berth_plugin_kind value. */
    uint32_t kind;
    /* The driver name users type (daemon.json "storage-driver", `-d bridge`,
     * `--log-driver`). Lowercase [a-z0-9._-], 1-64 bytes, static storage. */
    const char *name;
    /* The kind's operation table (berth_storage_ops, ...), static storage.
     * Must start with a uint32_t struct_size equal to ops_size. */
    const void *ops;
    /* sizeof the ops table as compiled; the host refuses a table smaller than
     * the kind's v1.0 table and ignores entries past the size it knows. */
    uint32_t ops_size;
    uint32_t reserved0; /* zero */
    /* BERTH_CAP_* bits. */
    uint64_t caps;
    /* With BERTH_CAP_STATE_HANDOVER: a name for the exported state's format,
     * e.g. "net-bridge/1". Hand-over happens only between generations whose
     * schemas are equal. NULL otherwise. */
    const char *state_schema;
} berth_driver_entry;

/* init: make the plugin's instance.
 *   host        the host services table; valid until fini returns. Keep the
 *               pointer. OWNERSHIP: host.
 *   config_json the plugin's section of daemon.json ("plugin-config" ->
 *               "<plugin name>") as a JSON object text, "{}" when absent.
 *               Borrowed for the call.
 *   out         receives the new instance on BERTH_OK.
 *   call        error slot: on failure set a message with host->err_set.
 * THREADS: never concurrent with anything else of this plugin.
 * A driver that cannot work on this host returns BERTH_E_PREREQ with the
 * reason ("overlay: backing filesystem has no d_type"). */
typedef int32_t (*berth_init_fn)(const berth_host *host, const char *config_json,
                                 berth_instance **out, berth_call *call);
/* fini: stop threads, release everything; the instance is gone afterwards.
 * Called once, after the last operation on the instance has returned. */
typedef void (*berth_fini_fn)(berth_instance *self);

/* The descriptor. Static, read-only, identical on every call of the entry
 * symbol. OWNERSHIP: plugin (the host copies what it keeps, before any
 * dlclose). Field order is frozen for ABI major 1. */
typedef struct berth_plugin_descriptor {
    uint64_t magic;         /* BERTH_PLUGIN_MAGIC */
    uint32_t struct_size;   /* sizeof(berth_plugin_descriptor) as compiled */
    uint16_t abi_major;     /* BERTH_ABI_MAJOR at compile time */
    uint16_t abi_minor;     /* BERTH_ABI_MINOR at compile time */
    /* The lowest host ABI minor this plugin can run on: the minor that
     * introduced the newest host service or field it relies on. A host with a
     * lower minor refuses it ("requires a newer host"). Usually 0. */
    uint16_t min_host_minor;
    /* Compatibility tuple, checked against the host's own: */
    uint8_t pointer_size;   /* sizeof(void *) */
    uint8_t byte_order;     /* 1 = little endian, 2 = big endian */
    uint8_t off_t_size;     /* sizeof(off_t) as the plugin sees it (8) */
    uint8_t reserved0[7];   /* zero */
    const char *name;       /* plugin name, e.g. "storage-overlay2"; non-empty */
    const char *version;    /* the plugin's own semver, e.g. "1.4.2"; non-empty */
    const char *vendor;     /* who ships it; may be NULL */
    const char *license;    /* SPDX id; may be NULL */
    const char *build_id;   /* free text (git describe, build date); may be NULL */
    const char *description;/* one line for `berth plugin ls`; may be NULL */
    uint32_t n_drivers;     /* entries in drivers[], at least 1 */
    uint32_t reserved1;     /* zero */
    const berth_driver_entry *drivers;
    berth_init_fn init;     /* required */
    berth_fini_fn fini;     /* required */
    void *reserved[4];      /* NULL; future growth without a size change */
} berth_plugin_descriptor;

/* Fills magic, sizes, ABI numbers and the compatibility tuple; use it first
 * in a descriptor initializer. BERTH_DESCRIPTOR_HEADER_MIN(n) also declares
 * that the plugin needs a host of ABI minor n or later (min_host_minor). */
#define BERTH_DESCRIPTOR_HEADER_MIN(min_minor)                                     \
    .magic = BERTH_PLUGIN_MAGIC, .struct_size = sizeof(berth_plugin_descriptor),   \
    .abi_major = BERTH_ABI_MAJOR, .abi_minor = BERTH_ABI_MINOR,                    \
    .min_host_minor = (min_minor), .pointer_size = sizeof(void *),                 \
    .byte_order = (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? 1 : 2,           \
    .off_t_size = 8
#define BERTH_DESCRIPTOR_HEADER BERTH_DESCRIPTOR_HEADER_MIN(0)

/* The entry symbol's type, and a macro that defines it:
 *   static const berth_plugin_descriptor desc = { BERTH_DESCRIPTOR_HEADER, ... };
 *   BERTH_PLUGIN_DEFINE(desc)
 * In C++ (C++20 designated initializers) keep the fields in declaration order
 * after the header macro: .name, .version, ..., .init, .fini. */
typedef const berth_plugin_descriptor *(*berth_plugin_entry_fn)(void);
#define BERTH_PLUGIN_DEFINE(descriptor)                                            \
    BERTH_EXTERN_C BERTH_EXPORT const berth_plugin_descriptor *berth_plugin_v1(void) \
    {                                                                              \
        return &(descriptor);                                                      \
    }

/* A short English name for a status code ("NOTFOUND"); static storage. */
static inline const char *berth_status_name(int32_t code) {
    switch (code) {
    case BERTH_OK: return "OK";
    case BERTH_E_NOTFOUND: return "NOTFOUND";
    case BERTH_E_EXISTS: return "EXISTS";
    case BERTH_E_INVAL: return "INVAL";
    case BERTH_E_NOTSUP: return "NOTSUP";
    case BERTH_E_BUSY: return "BUSY";
    case BERTH_E_PERM: return "PERM";
    case BERTH_E_IO: return "IO";
    case BERTH_E_TIMEOUT: return "TIMEOUT";
    case BERTH_E_AGAIN: return "AGAIN";
    case BERTH_E_RANGE: return "RANGE";
    case BERTH_E_PREREQ: return "PREREQ";
    case BERTH_E_INTERNAL: return "INTERNAL";
    default: return "UNKNOWN";
    }
}

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_ABI_H */
