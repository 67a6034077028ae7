# shellcheck shell=bash
# container_lib.sh — helpers for the container tests (the stock docker CLI
# against berthd), sourced after lib.sh and image_lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/image_lib.sh"
#   . "$(dirname "$0")/container_lib.sh"
#
#   ct_setup [BERTHD-ARGS...]   start berthd, point docker at it, skip (77)
#                               when berthd has no container routes yet,
#                               import busybox:latest
#   need_route METHOD PATH WHAT skip when berthd does not route PATH yet
#   ci FORMAT CTR               one field of `docker container inspect`
#   wait_until SECS WHAT CMD... poll CMD (every 0.1 s) until it succeeds;
#                               fail naming WHAT after SECS (a bound, not a
#                               timing assertion)
#   wait_status CTR STATUS [SECS]  wait for State.Status
#   section NAME FUNC           run FUNC in a subshell; a failure or skip is
#                               recorded and the next section still runs
#   sections_done               print the summary; exit 1 if a section
#                               failed, 77 if every one skipped, else 0
#   tm ARGS...                  tmux on a server private to this test
#   bg_track PID                a background helper the clean-up must kill
#
# Clean-up (before lib.sh's): every container of the test's daemon is
# removed with `docker rm -f -v`; then any berth-shim still running for this
# test's exec root has its runc container deleted and its processes killed
# (a daemon that crashed or lost a container must not leak processes); the
# private tmux server and tracked background processes are killed.

CT_BG_PIDS=()
CT_TMUX_SOCK=$T/tmux.sock
CT_FAILED=()
CT_SKIPPED=()
CT_PASSED=()

tm() { tmux -S "$CT_TMUX_SOCK" "$@"; }

# Recorded in a file too: sections run in subshells, whose arrays the
# clean-up never sees.
bg_track() {
    CT_BG_PIDS+=("$1")
    echo "$1" >>"$T/bg.pids"
}

# The pids of every descendant of $1, deepest last.
_descendants() {
    local p c
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$c"
        _descendants "$c"
    done
}

# Shims started for this test's daemon: their command line names a path
# inside $T (--bundle/--dir live under the data and exec roots).
_shims_of_test() {
    local p
    for p in $(pgrep -x berth-shim 2>/dev/null); do
        # A variable, not a pipe into grep -q: SIGPIPE under pipefail.
        local args
        args=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline") || continue
        grep -q "^$T/" <<<"$args" && echo "$p"
    done
}

# Delete the runc container a shim runs and kill whatever is left of it.
_reap_shim() {
    local pid=$1 args=() id="" rargs=() i
    mapfile -t args < <(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)
    for ((i = 0; i < ${#args[@]}; i++)); do
        case "${args[i]}" in
        --id) id=${args[i + 1]} ;;
        --runtime-arg) rargs+=("${args[i + 1]}") ;;
        esac
    done
    if [ -n "$id" ]; then
        runc "${rargs[@]}" delete -f "$id" >/dev/null 2>&1 || true
    fi
    local d
    for d in $(_descendants "$pid"); do kill -KILL "$d" 2>/dev/null || true; done
    kill -KILL "$pid" 2>/dev/null || true
}

ct_cleanup() {
    set +e
    local p ids
    for p in "${CT_BG_PIDS[@]}" $(cat "$T/bg.pids" 2>/dev/null); do
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    tmux -S "$CT_TMUX_SOCK" kill-server >/dev/null 2>&1
    if [ -n "${BERTHD_PID:-}" ] && pid_alive "$BERTHD_PID"; then
        ids=$(timeout 20 docker ps -aq 2>/dev/null)
        if [ -n "$ids" ]; then
            # shellcheck disable=SC2086
            timeout 60 docker rm -f -v $ids >/dev/null 2>&1
        fi
    fi
    for p in $(_shims_of_test); do
        echo "clean-up: berth-shim $p was still running ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)); deleting its container" >&2
        _reap_shim "$p"
    done
}

# errexit stays off: under it, `(exit "$rc")` of a failing test would end
# the trap before lib.sh's clean-up stops berthd.
_ct_exit() {
    local rc=$?
    set +e
    ct_cleanup
    (exit "$rc")
    it_cleanup
}
trap _ct_exit EXIT

# True unless berthd answers METHOD PATH with its "no such route" reply.
route_exists() {
    api "$1" "$2"
    [ "$HTTP_STATUS" != 404 ] || [ "$HTTP_BODY" != '{"message":"page not found"}' ]
}

need_route() { # METHOD PATH WHAT
    route_exists "$1" "$2" || skip "berthd does not serve $1 $2 yet ($3)"
}

ct_setup() {
    command -v docker >/dev/null || skip "docker CLI not installed"
    command -v runc >/dev/null || skip "runc not installed"
    start_berthd "$@"
    use_docker_cli
    need_route GET /v1.43/containers/json "containers"
    need_route POST /v1.43/containers/create "containers"
    import_busybox
}

# assert_icontains HAYSTACK NEEDLE WHAT — assert_contains ignoring case
# (moby lower-cased some error texts across releases).
assert_icontains() {
    assert_contains "$(tr '[:upper:]' '[:lower:]' <<<"$1")" "$(tr '[:upper:]' '[:lower:]' <<<"$2")" "$3"
}

# ci FORMAT CTR — a field of `docker container inspect` (fails the test if
# inspect fails).
ci() {
    dk container inspect --format "$1" "$2"
    [ "$RC" -eq 0 ] || fail "docker container inspect --format '$1' $2 exited $RC: $OUT"
    printf '%s' "$OUT"
}

wait_until() { # SECS WHAT CMD...
    local secs=$1 what=$2 i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    "$@" >/dev/null 2>&1 || fail "waited ${secs}s for: $what"
}

_status_is() { [ "$(docker container inspect --format '{{.State.Status}}' "$1" 2>/dev/null)" == "$2" ]; }

wait_status() { # CTR STATUS [SECS]
    wait_until "${3:-30}" "container $1 to be $2 (it is $(docker container inspect --format '{{.State.Status}}' "$1" 2>&1))" \
        _status_is "$1" "$2"
}

# Not `docker logs | grep -q`: under pipefail, grep quitting early can fail
# the pipeline with SIGPIPE.
_logs_contain() {
    local l
    l=$(docker logs "$1" 2>&1) || return 1
    grep -q -- "$2" <<<"$l"
}

wait_log() { # CTR TEXT [SECS]
    local i secs=${3:-30}
    for ((i = 0; i < secs * 10; i++)); do
        _logs_contain "$1" "$2" && return 0
        sleep 0.1
    done
    fail "waited ${secs}s for '$2' in the logs of $1; status $(docker container inspect --format '{{.State.Status}}' "$1" 2>&1), logs:
$(docker logs "$1" 2>&1 | tail -5)"
}

# section NAME FUNC — FUNC runs in a subshell with errexit, so a failed
# assertion ends only this section. skip inside it (exit 77) marks it
# skipped. Sections must not start daemons (the EXIT trap could not reap
# them from the subshell).
#
# CT_SECTIONS="name1 name2" runs only those sections (when debugging).
section() {
    local name=$1 fn=$2 rc=0
    if [ -n "${CT_SECTIONS:-}" ] && [[ " $CT_SECTIONS " != *" $name "* ]]; then
        return 0
    fi
    note "section: $name"
    set +e
    (
        set -e
        "$fn"
    )
    rc=$?
    set -e
    case $rc in
    0) CT_PASSED+=("$name") ;;
    77) CT_SKIPPED+=("$name") ;;
    *) CT_FAILED+=("$name") ;;
    esac
}

sections_done() {
    echo "== $it_name: ${#CT_PASSED[@]} passed, ${#CT_FAILED[@]} failed, ${#CT_SKIPPED[@]} skipped"
    [ ${#CT_FAILED[@]} -eq 0 ] || echo "   failed: ${CT_FAILED[*]}"
    [ ${#CT_SKIPPED[@]} -eq 0 ] || echo "   skipped: ${CT_SKIPPED[*]}"
    if [ ${#CT_FAILED[@]} -gt 0 ]; then
        exit 1
    fi
    # The test is skipped only when nothing ran; otherwise it passes on what
    # ran and names the sections left out (they wait for routes berthd does
    # not serve yet, such as /events).
    if [ ${#CT_SKIPPED[@]} -gt 0 ] && [ ${#CT_PASSED[@]} -eq 0 ]; then
        echo "SKIP: every section needs routes berthd does not serve yet"
        exit 77
    fi
    [ ${#CT_SKIPPED[@]} -eq 0 ] || echo "NOTE: sections not run (routes berthd does not serve yet): ${CT_SKIPPED[*]}"
    exit 0
}
