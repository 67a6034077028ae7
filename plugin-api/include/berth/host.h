/*
 * berth/host.h — services the host gives every plugin instance.
 *
 * At init the host passes a const berth_host *. It stays valid until fini
 * returns; keep it in the instance. Every function in it is thread-safe and
 * may be called from any thread the plugin owns or any thread the host calls
 * it on. A plugin must check struct_size before touching a field that arrived
 * after ABI 1.0 (each field says when it arrived).
 *
 * OWNERSHIP rules that every kind's header relies on:
 *   - Inputs (const char *, berth_str, structs) are borrowed for the call.
 *   - A variable-size output (JSON text, a path) is allocated by the plugin
 *     with host->alloc and written to a char ** out parameter; the host frees
 *     it. The plugin never frees host memory; the host never frees plugin
 *     memory except through the kind's release/stop operation.
 *   - Byte streams (layer tars, stdio, logs) travel as file descriptors. The
 *     receiver dup()s a descriptor it wants to keep past the call.
 *
 * SINCE: ABI 1.0 for every field unless it says otherwise.
 */
#ifndef BERTH_HOST_H
#define BERTH_HOST_H

#include <stdarg.h>
#include "berth/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Log levels for berth_host.log, mapped to the daemon's logger. */
typedef enum berth_log_level {
    BERTH_LOG_TRACE = 0,
    BERTH_LOG_DEBUG = 1,
    BERTH_LOG_INFO = 2,
    BERTH_LOG_WARN = 3,
    BERTH_LOG_ERROR = 4
} berth_log_level;

/* Opaque host-side context for this plugin instance (logger name, state
 * store scope). OWNER: host. */
typedef struct berth_host_ctx berth_host_ctx;

struct berth_host {
    /* sizeof(berth_host) in the host; fields past it do not exist. */
    uint32_t struct_size;
    /* The host's ABI minor (the host's major always equals the plugin's). */
    uint16_t abi_minor;
    uint16_t reserved0;
    /* Host product version, e.g. "0.1.0". Static for the instance. */
    const char *host_version;
    /* A directory that belongs to this plugin alone, under the data root
     * (e.g. <data-root>/storage/overlay2 for a storage driver,
     * <data-root>/plugins/<name> otherwise). It exists, and survives restarts
     * and upgrades of the plugin. */
    const char *home_dir;
    /* A directory for runtime state under the exec root (tmpfs; gone after a
     * reboot), e.g. <exec-root>/plugins/<name>. It exists. */
    const char *run_dir;
    /* The host's context for the calls below; pass the whole berth_host. */
    berth_host_ctx *ctx;

    /* Write one line to the daemon log, prefixed with the plugin name.
     * msg is NUL-terminated UTF-8, borrowed. */
    void (*log)(const berth_host *host, int32_t level, const char *msg);

    /* Allocate memory the host will own (outputs). Returns NULL when out of
     * memory; the plugin then returns BERTH_E_INTERNAL. */
    void *(*alloc)(const berth_host *host, size_t size);
    /* Allocate a NUL-terminated copy of len bytes of s (s need not be
     * terminated). The host owns it. NULL when out of memory. */
    char *(*strdup_n)(const berth_host *host, const char *s, size_t len);
    /* Free memory from alloc/strdup_n that the plugin decided not to hand
     * over (e.g. on an error path after allocating an output). */
    void (*free)(const berth_host *host, void *ptr);

    /* Record the error of the current call: a status code and a printf-style
     * message that says what was wrong, naming the object ("layer abc: parent
     * def does not exist"). Returns code, so a plugin can write
     *   return host->err_set(call, BERTH_E_NOTFOUND, "no layer %s", id);
     * A later err_set on the same call replaces the earlier one. */
    int32_t (*err_set)(berth_call *call, int32_t code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

    /* Non-zero once the caller gave up on this call (client went away, daemon
     * shutting down). Long operations poll it and return BERTH_E_TIMEOUT. */
    int32_t (*is_cancelled)(const berth_call *call);
    /* The call's deadline in CLOCK_MONOTONIC nanoseconds, 0 for none. */
    int64_t (*deadline)(const berth_call *call);

    /* Tell the daemon something happened outside any call: a container exit
     * or OOM (exec), a link going down (network). kind is a short lowercase
     * word ("exit", "oom", "link"); json is an object text. Both borrowed.
     * The daemon turns these into /events entries and state changes. */
    void (*emit_event)(const berth_host *host, const char *kind, const char *json);

    /* Persistent per-plugin key/value store in the daemon's database,
     * crash-safe (written to a temp name, fsynced, renamed). Keys are
     * [A-Za-z0-9._-], 1-128 bytes. state_put with len 0 deletes the key.
     * state_get returns BERTH_E_NOTFOUND for a missing key; on BERTH_OK *out
     * is host->alloc memory owned by the caller of state_get (the plugin),
     * to be released with host->free. */
    int32_t (*state_put)(const berth_host *host, const char *key, const void *data,
                         size_t len);
    int32_t (*state_get)(const berth_host *host, const char *key, void **out,
                         size_t *out_len);

    /* Add value to a named counter in the daemon's metrics ("bytes_applied"). */
    void (*metric_add)(const berth_host *host, const char *name, double value);
};

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_HOST_H */
