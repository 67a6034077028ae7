/*
 * berth/storage.h — the storage (graph driver) operation table.
 *
 * A storage driver keeps layers: read-only image layers that form chains by
 * parent, and read-write container layers on top. Ids are chosen by the host
 * (64 lowercase hex characters); the driver maps them to whatever it stores
 * ("cache id"). The host keeps the image and layer records; the driver keeps
 * only the bytes, under berth_host.home_dir.
 *
 * Every operation:
 *   - takes the instance from init and the host's call context first;
 *   - returns BERTH_OK or a BERTH_E_* code with a message set through
 *     host->err_set(call, ...);
 *   - may be NULL, which the host reports as BERTH_E_NOTSUP.
 * THREADS: with BERTH_CAP_THREADSAFE in the driver entry, operations on
 * different ids run concurrently and get/put on the same id may too (they are
 * ref-counted). Without it the host serialises every call.
 *
 * Diffs are tar streams in the OCI layer format: whiteouts are ".wh.<name>"
 * entries and opaque directories carry ".wh..wh..opq".
 *
 * Relation to containerd's snapshotter verbs: prepare = create(rw=1),
 * view = create(rw=0) on a committed parent, commit = the host's bookkeeping
 * after apply_diff; mounts() serves drivers whose mounts the host performs.
 *
 * SINCE: ABI 1.0 for every operation unless it says otherwise.
 */
#ifndef BERTH_STORAGE_H
#define BERTH_STORAGE_H

#include "berth/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Storage capability bits (berth_driver_entry.caps, bits 32+). */
#define BERTH_STORAGE_CAP_QUOTA (UINT64_C(1) << 32)     /* honours "size=" in create */
#define BERTH_STORAGE_CAP_IDMAP (UINT64_C(1) << 33)     /* idmapped mounts for userns */
#define BERTH_STORAGE_CAP_NATIVE_DIFF (UINT64_C(1) << 34) /* diff without a naive walk */

/* Options for create. Grows at the end; read struct_size first. */
typedef struct berth_storage_create_opts {
    uint32_t struct_size;
    /* 1: a read-write container layer (an "init" or container rootfs);
     * 0: a read-only image layer that apply_diff will fill. */
    int32_t rw;
    /* SELinux mount label, or NULL. */
    const char *mount_label;
    /* The user's storage options as a JSON object of strings
     * ({"size":"10G"}), or NULL. Unknown keys: BERTH_E_INVAL naming the key. */
    const char *storage_opts_json;
} berth_storage_create_opts;

typedef struct berth_storage_ops {
    /* sizeof(berth_storage_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;

    /* Describe the driver's state as a JSON array of [key, value] string
     * pairs, shown by `docker info` under the driver ("Backing Filesystem",
     * "Supports d_type", ...). *out_json: host->alloc'ed, host frees. */
    int32_t (*status)(berth_instance *self, berth_call *call, char **out_json);

    /* Create layer id on top of parent (NULL or "" for a base layer).
     * BERTH_E_EXISTS if id exists, BERTH_E_NOTFOUND if parent does not. */
    int32_t (*create)(berth_instance *self, berth_call *call, const char *id,
                      const char *parent, const berth_storage_create_opts *opts);

    /* Remove layer id and its data. The host removes children first and never
     * removes a mounted layer on purpose; a driver answers BERTH_E_BUSY if it
     * is mounted, BERTH_E_NOTFOUND if it does not exist. */
    int32_t (*remove)(berth_instance *self, berth_call *call, const char *id);

    /* *out_exists = 1 if layer id exists, else 0. Never BERTH_E_NOTFOUND. */
    int32_t (*exists)(berth_instance *self, berth_call *call, const char *id,
                      int32_t *out_exists);

    /* Mount layer id (with its parents) and return the mounted root's path in
     * *out_path (host->alloc'ed). Ref-counted: each get needs one put; the
     * mount stays until the last put. mount_label may be NULL. */
    int32_t (*get)(berth_instance *self, berth_call *call, const char *id,
                   const char *mount_label, char **out_path);
    /* Drop one reference taken by get; unmount at zero. */
    int32_t (*put)(berth_instance *self, berth_call *call, const char *id);

    /* Write the changes of id against parent (NULL: its own parent) as an
     * uncompressed OCI layer tar to out_fd, then return. The fd is borrowed;
     * do not close it. */
    int32_t (*diff)(berth_instance *self, berth_call *call, const char *id,
                    const char *parent, int out_fd);

    /* List the changes of id against parent as a JSON array of
     * {"Path": "/etc/x", "Kind": 0|1|2} (0 modified, 1 added, 2 deleted),
     * Docker's /containers/{id}/changes shape. */
    int32_t (*changes)(berth_instance *self, berth_call *call, const char *id,
                       const char *parent, char **out_json);

    /* Read an OCI layer tar (uncompressed) from in_fd into layer id, which
     * was created with rw=0 on parent. Turns whiteouts into the driver's own
     * form. Must refuse anything that would write outside the layer
     * (BERTH_E_INVAL naming the entry). *out_size: bytes of content applied. */
    int32_t (*apply_diff)(berth_instance *self, berth_call *call, const char *id,
                          const char *parent, int in_fd, int64_t *out_size);

    /* Bytes that diff would put in the tar's content, without writing it. */
    int32_t (*diff_size)(berth_instance *self, berth_call *call, const char *id,
                         const char *parent, int64_t *out_size);

    /* Bytes and inodes the layer itself uses on disk (not its parents). */
    int32_t (*usage)(berth_instance *self, berth_call *call, const char *id,
                     int64_t *out_bytes, int64_t *out_inodes);

    /* Driver-specific facts about a layer for `docker inspect` GraphDriver.Data
     * as a JSON object of strings ({"UpperDir": ..., "LowerDir": ...}). */
    int32_t (*metadata)(berth_instance *self, berth_call *call, const char *id,
                        char **out_json);

    /* For drivers whose mounts the host should perform (in the container's
     * mount namespace): the mounts of id as a JSON array of OCI mount objects
     * ({"type","source","options"}). NULL op: the host uses get/put. */
    int32_t (*mounts)(berth_instance *self, berth_call *call, const char *id,
                      char **out_json);

    /* Unmount everything and release kernel objects at daemon shutdown. Data
     * stays. Called before fini, when no other call is running. */
    int32_t (*cleanup)(berth_instance *self, berth_call *call);
} berth_storage_ops;

/* The size of the v1.0 table; the host refuses smaller ones. */
#define BERTH_STORAGE_OPS_V1_0_SIZE (offsetof(berth_storage_ops, cleanup) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_STORAGE_H */
