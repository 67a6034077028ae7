/*
 * berth/exec.h — the execution driver operation table.
 *
 * An exec driver runs containers from OCI bundles: it turns a bundle into a
 * running process tree (through an OCI runtime such as runc or crun, usually
 * with a per-container shim that outlives the daemon), and drives it after:
 * signals, exec, pty size, pause, resources, stats. Containers keep running
 * while berthd is down; on start the host calls restore() for each container
 * it knows so the driver can re-adopt it (live restore).
 *
 * Ids are the host's container ids (64 hex). Exec ids name extra processes
 * inside a container. Every operation returns BERTH_OK or a BERTH_E_* code
 * with a message via host->err_set; a NULL operation is BERTH_E_NOTSUP.
 * Exits and OOM kills are reported through host->emit_event:
 *   "exit": {"id":..., "exec_id":...|null, "exit_code":N, "exited_at":"RFC3339Nano",
 *            "oom_killed":bool}
 *   "oom":  {"id":...}
 * THREADS: exec drivers normally set BERTH_CAP_THREADSAFE; wait() blocks for
 * as long as the process lives and must not hold locks other calls need.
 *
 * SINCE: ABI 1.0 for every operation unless it says otherwise.
 */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include "berth/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The process's stdio as the host hands it over. With terminal=1 the driver
 * allocates a pty and stdout_fd receives the master's output (stdin_fd feeds
 * it, stderr_fd is -1). Any fd may be -1 (closed / /dev/null). The fds are
 * borrowed; the driver dup()s what it keeps. */
typedef struct berth_exec_stdio {
    uint32_t struct_size;
    int32_t terminal;
    int32_t stdin_fd;
    int32_t stdout_fd;
    int32_t stderr_fd;
    /* Initial pty size when terminal=1; 0 for the runtime's default. */
    uint16_t rows;
    uint16_t cols;
} berth_exec_stdio;

/* Everything create needs. Grows at the end. */
typedef struct berth_exec_create_opts {
    uint32_t struct_size;
    uint32_t reserved0;
    /* The bundle directory; config.json (the OCI spec) is already written in
     * it by the host, and root.path points at the mounted rootfs. */
    const char *bundle_dir;
    /* Runtime choice and options:
     *   {"v":1, "runtime":"runc", "runtime_path":"/usr/sbin/runc",
     *    "runtime_args":[...], "log":{"driver":"json-file","config":{...},
     *    "path":"..."}, "container_dir":"...", "stdin_once":bool} */
    const char *options_json;
    const berth_exec_stdio *stdio;
} berth_exec_create_opts;

typedef struct berth_exec_ops {
    /* sizeof(berth_exec_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;

    /* The runtime's OCI features document ("runc features") as JSON. */
    int32_t (*features)(berth_instance *self, berth_call *call, char **out_json);
    /* *out_ok = 1 if this driver can run spec_json (an OCI spec); lets the
     * host pick among several exec drivers. */
    int32_t (*can_handle)(berth_instance *self, berth_call *call, const char *spec_json,
                          int32_t *out_ok);

    /* Create container id (process created, not yet started). *out_pid: the
     * container's init pid as the host's pid namespace sees it. */
    int32_t (*create)(berth_instance *self, berth_call *call, const char *id,
                      const berth_exec_create_opts *opts, int32_t *out_pid);
    /* Start a created container's init process. */
    int32_t (*start)(berth_instance *self, berth_call *call, const char *id);
    /* The container's state as JSON:
     *   {"status":"created|running|paused|stopped", "pid":N, "exit_code":N,
     *    "exited_at":"...", "oom_killed":bool}
     * BERTH_E_NOTFOUND if the driver does not know id. */
    int32_t (*state)(berth_instance *self, berth_call *call, const char *id,
                     char **out_json);
    /* Send signal to the container's init (all=0) or to every process (all=1);
     * exec_id non-NULL: to that exec process. */
    int32_t (*kill)(berth_instance *self, berth_call *call, const char *id,
                    const char *exec_id, int32_t signal, int32_t all);
    /* Block until the process (init, or exec_id) exits or the call is
     * cancelled; *out_exit_code receives its code (128+signal if signalled). */
    int32_t (*wait)(berth_instance *self, berth_call *call, const char *id,
                    const char *exec_id, int32_t *out_exit_code);
    /* Delete a stopped container's runtime state and its shim. */
    int32_t (*delete_container)(berth_instance *self, berth_call *call, const char *id);

    /* Start an extra process in running container id.
     *   process_json: an OCI "process" object (args, env, cwd, user, terminal). */
    int32_t (*exec)(berth_instance *self, berth_call *call, const char *id,
                    const char *exec_id, const char *process_json,
                    const berth_exec_stdio *stdio, int32_t *out_pid);
    /* Attach new stdio to a running init (exec_id NULL) or exec process; output
     * is copied to the new fds until they close. */
    int32_t (*attach)(berth_instance *self, berth_call *call, const char *id,
                      const char *exec_id, const berth_exec_stdio *stdio);
    int32_t (*resize_pty)(berth_instance *self, berth_call *call, const char *id,
                          const char *exec_id, uint16_t rows, uint16_t cols);
    int32_t (*close_stdin)(berth_instance *self, berth_call *call, const char *id,
                           const char *exec_id);

    int32_t (*pause)(berth_instance *self, berth_call *call, const char *id);
    int32_t (*resume)(berth_instance *self, berth_call *call, const char *id);
    /* Change resources of a running container: an OCI "linux.resources"
     * object as JSON. */
    int32_t (*update)(berth_instance *self, berth_call *call, const char *id,
                      const char *resources_json);
    /* The container's pids as a JSON array of integers. */
    int32_t (*pids)(berth_instance *self, berth_call *call, const char *id,
                    char **out_json);
    /* One stats sample as JSON in Docker's /containers/{id}/stats shape
     * (cpu_stats, memory_stats, pids_stats, blkio_stats). */
    int32_t (*stats)(berth_instance *self, berth_call *call, const char *id,
                     char **out_json);

    /* Live restore: re-adopt container id after a daemon restart, given the
     * options_json it was created with. BERTH_E_NOTFOUND if its shim is gone
     * (the host then marks it exited with the recorded status). */
    int32_t (*restore)(berth_instance *self, berth_call *call, const char *id,
                       const char *options_json);

    /* Optional: checkpoint to / restore from an image directory. */
    int32_t (*checkpoint)(berth_instance *self, berth_call *call, const char *id,
                          const char *image_dir);
} berth_exec_ops;

#define BERTH_EXEC_OPS_V1_0_SIZE (offsetof(berth_exec_ops, checkpoint) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_EXEC_H */
