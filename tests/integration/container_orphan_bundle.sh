#!/usr/bin/env bash
# container_orphan_bundle.sh — berthd's start-up sweep of bundles without a
# record (ContainerService::sweep_orphan_bundles). berthd removes an
# auto-removed container's record before the runtime's delete is joined and
# the bundle removed; a crash in between leaves a bundle in the exec root,
# a shim and the runtime's state with no container to own them. Simulated
# here: a running `sleep 300` container, kill -9 berthd, its record
# directory removed, berthd started again. Then
#   - the container's shim and its sleep process are gone;
#   - the same when the shim died too while berthd was down (the runtime's
#     state is then deleted without a shim);
#   - runc no longer knows the container and the bundle directory is gone;
#   - the daemon log names the removal ("which has no record");
#   - what is not a container's bundle (a directory whose name is no
#     64-hex ID, such as "keep-me") is left alone, and so is a container
#     that still has its record (running, the same process);
#   - with an exec root too long for bundles, they live in the directory
#     daemons share: there the orphan is swept, while a bundle of another
#     daemon (its config.json's rootfs outside this data root) is not;
#   - an orphan started with another runtime (daemon.json "runtimes" with
#     its own --root) whose shim is gone is deleted with that runtime.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

# The sweep looks at the daemon's own exec root only, and bundles are kept
# there only while <exec root>/<ID>/<longest socket name> fits a unix
# socket path (a longer root moves them to a directory other daemons share,
# see ContainerService::bundle_dir). lib.sh's "$T/run" is two characters too
# long, so this daemon gets "$T/r", which fits as the default /run/berth
# does.
EXEC_ROOT="$T/r"
[ $((${#EXEC_ROOT} + 1 + 64 + 20)) -le 107 ] || fail "exec root $EXEC_ROOT is too long to hold bundles"

start_short_root_berthd() {
    berthd_spawn "$BERTHD_LOG" --data-root "$T/data" --exec-root "$EXEC_ROOT" -H "$HOST" --log-level debug
    BERTHD_PID=$SPAWNED_PID
    wait_ping "$SOCK" "$BERTHD_PID" "$BERTHD_LOG"
}

# ct_setup's steps, with the daemon above.
command -v docker >/dev/null || skip "docker CLI not installed"
command -v runc >/dev/null || skip "runc not installed"
start_short_root_berthd
use_docker_cli
need_route GET /v1.43/containers/json "containers"
need_route POST /v1.43/containers/create "containers"
import_busybox
P=ob$$
NET=(--network none)

# The berth-shim process of container ID (it is started with --id <ID>).
shim_of() {
    local p args
    for p in $(pgrep -x berth-shim); do
        args=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline") || continue
        if grep -qx -- "$1" <<<"$args"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# The runtime's global arguments a shim was given (--runtime-arg ...), one
# a line: `runc state` must look where the shim's runc does.
runtime_args_of() {
    local args=() i
    mapfile -t args < <(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null)
    for ((i = 0; i < ${#args[@]}; i++)); do
        [ "${args[i]}" != --runtime-arg ] || echo "${args[i + 1]}"
    done
}

gone() { ! pid_alive "$1"; }

# runc_forgot WHAT ID [RUNC GLOBAL ARGS...] — runc (with those arguments)
# no longer knows container ID.
runc_forgot() {
    local what=$1 id=$2 rc=0 out
    shift 2
    out=$(runc "$@" state "$id" 2>&1) || rc=$?
    assert_ne 0 "$rc" "exit status of runc state of $what (output: $out)"
    assert_contains "$out" "does not exist" "runc state of $what"
}

# ct_cleanup finds containers by their records and shims: an orphan has
# neither once the test has made it one, so a failing run deletes its
# runtime state (and so its process) here before the usual clean-up.
ORPHANS=()
RUNC_ARGS=()
FOREIGN_DIRS=()
_ob_exit() {
    local rc=$? id p
    set +e
    for id in "${ORPHANS[@]}"; do
        runc "${RUNC_ARGS[@]}" delete -f "$id" >/dev/null 2>&1
        [ -z "${ALT_ROOT:-}" ] || runc --root "$ALT_ROOT" delete -f "$id" >/dev/null 2>&1
        # A sweep that failed leaves the orphan's shim and bundle too.
        p=$(shim_of "$id") && kill -KILL "$p" 2>/dev/null
        rm -rf "${SHARED:-/run/berth-bundles}/$id" "$EXEC_ROOT/$id"
    done
    for id in "${FOREIGN_DIRS[@]}"; do rm -rf "$id"; done
    (exit "$rc")
    _ct_exit
}
trap _ob_exit EXIT

kill9_berthd() {
    kill -KILL "$BERTHD_PID"
    reap "$BERTHD_PID"
}

note "a running container, and one that keeps its record"
dk_ok run -d "${NET[@]}" --name "$P-orphan" busybox sleep 300
ID=$OUT
assert_match "$ID" '^[0-9a-f]{64}$' "docker run -d prints the full ID"
PID=$(ci '{{.State.Pid}}' "$P-orphan")
SHIM=$(shim_of "$ID") || fail "no berth-shim started with --id $ID"
mapfile -t RUNC_ARGS < <(runtime_args_of "$SHIM")
BUNDLE="$EXEC_ROOT/$ID"
[ -d "$BUNDLE" ] || fail "the container's bundle is not at $BUNDLE: $(ls "$EXEC_ROOT")"
runc "${RUNC_ARGS[@]}" state "$ID" >/dev/null 2>&1 || fail "runc does not know the running container $ID"
RECORD_DIR="$T/data/containers/$ID"
[ -d "$RECORD_DIR" ] || fail "the container's record is not at $RECORD_DIR"

dk_ok run -d "${NET[@]}" --name "$P-noshim" busybox sleep 300
NOSHIM=$OUT
NOSHIM_PID=$(ci '{{.State.Pid}}' "$P-noshim")
NOSHIM_SHIM=$(shim_of "$NOSHIM") || fail "no berth-shim started with --id $NOSHIM"
[ -d "$EXEC_ROOT/$NOSHIM" ] || fail "the bundle of $P-noshim is not at $EXEC_ROOT/$NOSHIM"

dk_ok run -d "${NET[@]}" --name "$P-kept" busybox sleep 300
KEPT=$OUT
KEPT_PID=$(ci '{{.State.Pid}}' "$P-kept")

# Not bundles: no 64-hex name (one character short, upper case, a word).
SHORT=${ID:0:63}
UPPER=$(tr '[:lower:]' '[:upper:]' <<<"$ID")
for d in keep-me "$SHORT" "$UPPER"; do
    mkdir -p "$EXEC_ROOT/$d"
    echo "not a bundle" >"$EXEC_ROOT/$d/file"
done

note "kill -9 berthd and one orphan's shim, then drop both orphans' records"
kill9_berthd
pid_alive "$PID" || fail "the container's process $PID died with berthd"
pid_alive "$SHIM" || fail "the container's shim $SHIM died with berthd"
ORPHANS=("$ID" "$NOSHIM")
rm -rf "$RECORD_DIR"
kill -KILL "$NOSHIM_SHIM"
wait_exit "$NOSHIM_SHIM" 10 || fail "berth-shim $NOSHIM_SHIM survived SIGKILL"
rm -rf "$T/data/containers/$NOSHIM"
start_short_root_berthd

note "after the restart"
wait_until 30 "the orphan's shim $SHIM to exit" gone "$SHIM"
wait_until 30 "the orphan's process $PID to be gone" gone "$PID"
wait_until 30 "the orphan's bundle $BUNDLE to be removed" test ! -e "$BUNDLE"
runc_forgot "the orphan" "$ID" "${RUNC_ARGS[@]}"
wait_until 10 "the daemon log to name the removal" \
    grep -q "removed the bundle of container ${ID:0:12}, which has no record" "$BERTHD_LOG"

note "an orphan whose shim died while berthd was down"
wait_until 30 "the process $NOSHIM_PID of the orphan without a shim to be gone" gone "$NOSHIM_PID"
wait_until 30 "the bundle $EXEC_ROOT/$NOSHIM to be removed" test ! -e "$EXEC_ROOT/$NOSHIM"
runc_forgot "the orphan without a shim" "$NOSHIM" "${RUNC_ARGS[@]}"
grep -q "removed the bundle of container ${NOSHIM:0:12}, which has no record" "$BERTHD_LOG" ||
    fail "the daemon log does not name the removal of ${NOSHIM:0:12}'s bundle"

for d in keep-me "$SHORT" "$UPPER"; do
    [ -f "$EXEC_ROOT/$d/file" ] || fail "the sweep removed $EXEC_ROOT/$d, which is no bundle"
done
removals=$(grep -c "which has no record" "$BERTHD_LOG" || true)
assert_eq 2 "$removals" "bundle removals the daemon logged (only the two orphans')"

dk_ok ps -a -q --no-trunc
assert_not_contains "$OUT" "$ID" "docker ps -a after the restart (the orphan has no record)"
assert_not_contains "$OUT" "$NOSHIM" "docker ps -a after the restart (the orphan without a shim has no record)"
assert_eq running "$(ci '{{.State.Status}}' "$P-kept")" "the container with a record after the restart"
assert_eq "$KEPT_PID" "$(ci '{{.State.Pid}}' "$P-kept")" "its Pid (re-adopted, not restarted)"
[ -d "$EXEC_ROOT/$KEPT" ] || fail "the bundle of $P-kept, which has its record, was removed"
pid_alive "$KEPT_PID" || fail "the process of $P-kept died"
dk_ok rm -f "$P-kept"

note "a long exec root: the orphan in the shared bundle directory is swept, another daemon's bundle is not"
# bundle_dir's directory for exec roots too long to hold socket paths.
SHARED=/run/berth-bundles
kill -TERM "$BERTHD_PID"
wait_exit "$BERTHD_PID" 30 || fail "berthd did not stop on SIGTERM"
EXEC_ROOT="$T/exec-root-long-enough-for-the-shared-directory"
start_short_root_berthd
dk_ok run -d "${NET[@]}" --name "$P-long" busybox sleep 300
LONG=$OUT
LONG_PID=$(ci '{{.State.Pid}}' "$P-long")
LONG_SHIM=$(shim_of "$LONG") || fail "no berth-shim started with --id $LONG"
[ -d "$SHARED/$LONG" ] || fail "the bundle of $P-long is not in $SHARED"
FOREIGN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$SHARED/$FOREIGN"
FOREIGN_DIRS+=("$SHARED/$FOREIGN")
printf '{"root":{"path":"/another/data-root/storage/overlay2/%s/merged"}}\n' "$FOREIGN" >"$SHARED/$FOREIGN/config.json"
kill9_berthd
ORPHANS+=("$LONG")
rm -rf "$T/data/containers/$LONG"
start_short_root_berthd
wait_until 30 "the shared-directory orphan's shim $LONG_SHIM to exit" gone "$LONG_SHIM"
wait_until 30 "its process $LONG_PID to be gone" gone "$LONG_PID"
wait_until 30 "its bundle $SHARED/$LONG to be removed" test ! -e "$SHARED/$LONG"
[ -f "$SHARED/$FOREIGN/config.json" ] || fail "the sweep removed $SHARED/$FOREIGN, another daemon's bundle"

note "a shim-less orphan of another runtime is deleted with that runtime (its own --root)"
kill -TERM "$BERTHD_PID"
wait_exit "$BERTHD_PID" 30 || fail "berthd did not stop on SIGTERM"
EXEC_ROOT="$T/r"
ALT_ROOT="$T/alt-runc-root"
mkdir -p "$ALT_ROOT"
printf '{"runtimes": {"runc-alt": {"path": "%s", "runtimeArgs": ["--root", "%s"]}}}\n' "$(command -v runc)" "$ALT_ROOT" \
    >"$T/daemon.json"
start_alt_berthd() {
    berthd_spawn "$BERTHD_LOG" --data-root "$T/data" --exec-root "$EXEC_ROOT" -H "$HOST" --log-level debug \
        --config-file "$T/daemon.json"
    BERTHD_PID=$SPAWNED_PID
    wait_ping "$SOCK" "$BERTHD_PID" "$BERTHD_LOG"
}
start_alt_berthd
dk_ok run -d "${NET[@]}" --runtime runc-alt --name "$P-alt" busybox sleep 300
ALT=$OUT
ALT_PID=$(ci '{{.State.Pid}}' "$P-alt")
ALT_SHIM=$(shim_of "$ALT") || fail "no berth-shim started with --id $ALT"
runc --root "$ALT_ROOT" state "$ALT" >/dev/null 2>&1 || fail "runc --root $ALT_ROOT does not know $ALT"
kill9_berthd
ORPHANS+=("$ALT")
kill -KILL "$ALT_SHIM"
wait_exit "$ALT_SHIM" 10 || fail "berth-shim $ALT_SHIM survived SIGKILL"
rm -rf "$T/data/containers/$ALT"
start_alt_berthd
wait_until 30 "the other runtime's orphan process $ALT_PID to be gone" gone "$ALT_PID"
runc_forgot "the other runtime's orphan" "$ALT" --root "$ALT_ROOT"
wait_until 30 "its bundle $EXEC_ROOT/$ALT to be removed" test ! -e "$EXEC_ROOT/$ALT"
echo PASS
