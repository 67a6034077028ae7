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
 *   "oom":  {"id":...}   sent just before the "exit" of an OOM-killed init
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
 * borrowed; the driver dup()s what it keeps. For create, all fds may be -1
 * with clients attaching later (see attach); options_json's terminal, rows
 * and cols win over the fields here when present. */
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
    /* Runtime choice and options, a JSON object (OWNER: host, borrowed for
     * the call; restore() receives the same text again). SINCE: ABI 1.0.
     *   "v": 1                    format version.
     *   "runtime": "runc"         the runtime's name, for messages.
     *   "runtime_path": "..."     its binary; default: the plugin's
     *                             "runtime-path" config, else runc.
     *   "runtime_args": [...]     global runtime flags (e.g. --root).
     *   "container_dir": "..."    a directory the driver may use for this
     *                             container (shim socket, exit record, logs
     *                             of the runtime); default <run_dir>/<id>.
     *                             The host owns the directory; the driver
     *                             removes only its own files on delete.
     *   "terminal": bool, "rows": N, "cols": N
     *                             give init a pty of that size. When present
     *                             they win over the stdio struct's fields;
     *                             absent, the stdio struct decides.
     *   "open_stdin": bool        docker -i: keep a stdin pipe (or the pty's
     *                             input) open for init even though stdio has
     *                             no stdin fd; attach()ed stdin feeds it.
     *   "stdin_once": bool        close init's stdin when the first attached
     *                             client's stdin reaches EOF (not with a
     *                             terminal, as dockerd).
     *   "log": null | {           absent or null: driver "none", output goes
     *                             only to attached clients. Otherwise the
     *                             driver's shim loads the log plugin itself
     *                             and logs init's output (not exec's) while
     *                             the host is down too:
     *     "library": "/abs/libberth-log-x.so"   loaded with dlopen; a file
     *                             that does not load or serves no log driver
     *                             fails create with BERTH_E_INVAL naming it.
     *     "driver": "name"        optional: which log driver of the library
     *                             (default its first).
     *     "plugin_config": {...}  optional: the plugin's init config_json.
     *     "info": {...}           log.h start()'s info_json, verbatim (v, id,
     *                             name, image_id, image_name, labels, env,
     *                             config, log_path, created). }
     * Output is split into entries at "\n" (kept); a line longer than
     * 16 KiB becomes partial entries, as dockerd's copier does. With a
     * terminal everything is stdout. Unknown keys are ignored. */
    const char *options_json;
    const berth_exec_stdio *stdio;
} berth_exec_create_opts;

typedef struct berth_exec_ops {
    /* sizeof(berth_exec_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;

    /* The runtime's OCI features document ("runc features") as JSON;
     * BERTH_E_NOTSUP when the runtime has no such command. */
    int32_t (*features)(berth_instance *self, berth_call *call, char **out_json);
    /* *out_ok = 1 if this driver can run spec_json (an OCI spec); lets the
     * host pick among several exec drivers. exec-runc: 1 when its runtime
     * binary exists. */
    int32_t (*can_handle)(berth_instance *self, berth_call *call, const char *spec_json,
                          int32_t *out_ok);

    /* Create container id (process created, not yet started). *out_pid: the
     * container's init pid as the host's pid namespace sees it. Its output
     * is read from the start, whether or not anyone is attached or logging,
     * so the container never blocks on a full pipe. */
    int32_t (*create)(berth_instance *self, berth_call *call, const char *id,
                      const berth_exec_create_opts *opts, int32_t *out_pid);
    /* Start a created container's init process. */
    int32_t (*start)(berth_instance *self, berth_call *call, const char *id);
    /* The container's state as JSON:
     *   {"status":"created|running|paused|stopped", "pid":N, "exit_code":N,
     *    "exited_at":"...", "oom_killed":bool}
     * oom_killed: init died of SIGKILL (137) and the kernel's OOM-kill
     * counter of the container's memory cgroup grew meanwhile.
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
    /* Attach new stdio to a created or running init (exec_id NULL) or exec
     * process; output is copied to the new fds until they close. Attached
     * before start, a client receives the process's very first bytes.
     * stdin_fd feeds the process's stdin when it has one (stdin given at
     * create, or open_stdin); see stdin_once. */
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
     * (the host then marks it exited with the recorded status). After
     * restore, "exit" events follow for init (also when it ended while the
     * host was down) and for exec processes whose exit was not announced
     * before; wait() works for both. */
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
