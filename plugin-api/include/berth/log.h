/*
 * berth/log.h — the log driver operation table.
 *
 * A log driver receives a container's output as entries and, when it can,
 * reads them back for `docker logs`. The host (or the exec driver's shim,
 * which loads log drivers itself so logs flow while berthd is down) calls
 * start() once per container, log_batch() for each batch of lines, and
 * stop() when the container is removed or its shim exits.
 *
 * Every operation returns BERTH_OK or a BERTH_E_* code with a message via
 * host->err_set; a NULL operation is BERTH_E_NOTSUP (read == NULL means the
 * driver cannot read back, and `docker logs` says so).
 * THREADS: calls on one stream handle are never concurrent; calls on
 * different handles may be when the entry sets BERTH_CAP_THREADSAFE.
 *
 * SINCE: ABI 1.0 for every operation unless it says otherwise.
 */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include "berth/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A driver's per-container stream. OWNER: plugin; released by stop(). */
typedef struct berth_log_stream berth_log_stream;

/* Source of an entry. */
typedef enum berth_log_source {
    BERTH_LOG_STDOUT = 1,
    BERTH_LOG_STDERR = 2
} berth_log_source;

/* One log entry. All pointers borrowed for the call. */
typedef struct berth_log_entry {
    uint32_t struct_size;
    /* A berth_log_source value. */
    uint32_t source;
    /* Wall-clock time the line was read, nanoseconds since the epoch. */
    int64_t time_unix_nano;
    /* The bytes, including the trailing "\n" when the line had one. */
    berth_str line;
    /* Partial-message metadata for lines split at the buffer size: non-zero
     * when this is not the last part; id groups the parts; ordinal counts
     * from 1. */
    int32_t partial;
    int32_t partial_ordinal;
    berth_str partial_id;
    /* Extra attributes (--log-opt labels/env) as a JSON object, or NULL. */
    const char *attrs_json;
} berth_log_entry;

typedef struct berth_log_ops {
    /* sizeof(berth_log_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;

    /* Check --log-opt options ({"max-size":"10m",...}) before a container is
     * created. BERTH_E_INVAL naming the unknown key or bad value. */
    int32_t (*validate_opts)(berth_instance *self, berth_call *call, const char *opts_json);

    /* Open a stream for one container.
     *   info_json: {"v":1, "id":..., "name":..., "image_id":..., "image_name":...,
     *     "labels":{...}, "env":[...], "config":{<log opts>}, "log_path":"...",
     *     "created":"RFC3339Nano"}
     * *out: the stream handle. */
    int32_t (*start)(berth_instance *self, berth_call *call, const char *info_json,
                     berth_log_stream **out);

    /* Write n entries in order. */
    int32_t (*log_batch)(berth_instance *self, berth_call *call, berth_log_stream *stream,
                         const berth_log_entry *entries, size_t n);

    /* The batch size the driver prefers, in bytes (a hint); 0 = no preference. */
    int32_t (*buf_size)(berth_instance *self, berth_call *call, uint32_t *out_bytes);

    /* Read entries back and write them to out_fd as JSON lines
     * {"stream":"stdout","time":"RFC3339Nano","log":"...","attrs":{...}},
     * then return (follow=0) or keep writing new entries until the call is
     * cancelled or out_fd's reader goes away (follow=1).
     *   info_json: as for start (the reader may run without a stream).
     *   read_opts_json: {"v":1, "tail":N|-1, "since":unix_nano|0,
     *     "until":unix_nano|0, "follow":bool, "details":bool}
     * The fd is borrowed. */
    int32_t (*read)(berth_instance *self, berth_call *call, const char *info_json,
                    const char *read_opts_json, int out_fd);

    /* Flush and close the stream; the handle is gone afterwards. */
    int32_t (*stop)(berth_instance *self, berth_call *call, berth_log_stream *stream);
} berth_log_ops;

#define BERTH_LOG_OPS_V1_0_SIZE (offsetof(berth_log_ops, stop) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_LOG_H */
