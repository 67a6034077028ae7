# shellcheck shell=bash
# lib.sh — shared set-up, clean-up and assertions for the bash integration
# tests. Source it first thing:   . "$(dirname "$0")/lib.sh"
#
# Environment (set by tests/integration/CMakeLists.txt):
#   BERTHD, BERTH                 the daemon and CLI under test
#   BUILD_DIR, SOURCE_DIR         the build tree and the source tree
#   BERTH_VERSION                 the project version the binaries report
#   BERTH_TEST_PLUGIN_DIR         <build>/tests/plugins
#   BERTH_BUNDLED_PLUGIN_DIR      <build>/lib/berth/plugins
#
# What sourcing it does:
#   - exits 77 (ctest: skipped) when not root: berthd needs it;
#   - makes $T, a fresh /tmp/berth-it-XXXXXX (the prefix lets a sweep find
#     leftovers of a crashed run);
#   - installs an EXIT trap that stops every berthd the test started (TERM,
#     then KILL after 5 s), unmounts whatever is still mounted below $T,
#     prints the daemon logs when the test failed and removes $T.
#
# Exit codes: 0 pass, 1 fail, 77 skip.

set -euo pipefail

it_name=$(basename "$0" .sh)

skip() {
    echo "SKIP: $*"
    exit 77
}

if [ "$(id -u)" -ne 0 ]; then
    skip "needs root"
fi

for _v in BERTHD BERTH BUILD_DIR SOURCE_DIR; do
    if [ -z "${!_v:-}" ]; then
        echo "FAIL: $_v is not set; run this test through ctest" >&2
        exit 1
    fi
done
unset _v

T=$(mktemp -d /tmp/berth-it-XXXXXX)
SOCK="$T/berth.sock"
HOST="unix://$SOCK"
BERTHD_LOG="$T/berthd.log"
BERTHD_PID=""
IT_PIDS=()  # every daemon this test started
# Flags every berthd of a test gets first. No default bridge network: a
# daemon on the host's own network namespace must not make berth0 or nft
# tables there. The networking tests run berthd in a namespace of their own
# and clear this (network_lib.sh).
IT_BERTHD_ARGS=(--bridge none)
IT_LOGS=()  # and its log, printed when the test fails

# --- reporting ----------------------------------------------------------------

fail() {
    echo "FAIL [$it_name]: $*" >&2
    exit 1
}

note() { echo "--- $*"; }

# --- processes ----------------------------------------------------------------

# True while pid runs. A child that exited but was not yet waited for is a
# zombie and still answers kill -0, so the state letter is checked too.
pid_alive() {
    local pid=$1 state
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Wait up to $2 seconds for pid to end. Returns 1 if it still runs.
wait_exit() {
    local pid=$1 secs=$2 i
    for ((i = 0; i < secs * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    ! pid_alive "$pid"
}

# reap PID — wait for a daemon this test started and forget it, so the EXIT
# trap never signals a pid the kernel may have handed to someone else.
# Sets REAP_RC to its exit status.
reap() {
    local pid=$1 keep=() p
    REAP_RC=0
    wait "$pid" 2>/dev/null || REAP_RC=$?
    for p in "${IT_PIDS[@]}"; do
        [ "$p" == "$pid" ] || keep+=("$p")
    done
    IT_PIDS=("${keep[@]}")
}

# Stop one daemon: TERM, then KILL after 5 s, then reap it.
stop_pid() {
    local pid=$1
    pid_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_exit "$pid" 5; then
        echo "berthd pid $pid ignored SIGTERM for 5 s; sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        wait_exit "$pid" 5 || true
    fi
    wait "$pid" 2>/dev/null || true
}

# berthd_spawn LOG ARGS... — start berthd in the background with exactly
# ARGS, stdout and stderr to LOG. Sets SPAWNED_PID. Must not run in a
# subshell: the EXIT trap can only stop and reap its own children.
berthd_spawn() {
    local log=$1
    shift
    "$BERTHD" "${IT_BERTHD_ARGS[@]}" "$@" >"$log" 2>&1 &
    SPAWNED_PID=$!
    IT_PIDS+=("$SPAWNED_PID")
    IT_LOGS+=("$log")
}

# wait_ping SOCKET PID LOG — wait up to 15 s until the daemon answers
# /_ping on SOCKET. Fails early (with the log) if it exits instead.
wait_ping() {
    local sock=$1 pid=$2 log=$3 i
    for ((i = 0; i < 150; i++)); do
        if curl -sf --max-time 2 --unix-socket "$sock" http://berth/_ping >/dev/null 2>&1; then
            return 0
        fi
        if ! pid_alive "$pid"; then
            reap "$pid"
            fail "berthd (pid $pid) exited with status $REAP_RC before answering /_ping on $sock"
        fi
        sleep 0.1
    done
    fail "berthd (pid $pid) did not answer /_ping on $sock within 15 s (its log follows)"
}

# start_berthd [ARGS...] — the test's main daemon: data and exec roots and
# socket inside $T, debug logging, plus ARGS. Returns once it answers /_ping.
start_berthd() {
    berthd_spawn "$BERTHD_LOG" --data-root "$T/data" --exec-root "$T/run" -H "$HOST" \
        --log-level debug "$@"
    BERTHD_PID=$SPAWNED_PID
    wait_ping "$SOCK" "$BERTHD_PID" "$BERTHD_LOG"
}

# --- clean-up -----------------------------------------------------------------

# Mount points below $T, deepest first, from this process's mount table.
mounts_below_t() {
    awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

it_cleanup() {
    local rc=$?
    set +e
    # Output may be a closed pipe (`... | head`): clean up regardless.
    trap '' PIPE
    local pid mnt log
    for pid in "${IT_PIDS[@]}"; do
        stop_pid "$pid"
    done
    for mnt in $(mounts_below_t); do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null ||
            echo "warning: could not unmount $mnt" >&2
    done
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
        for log in "${IT_LOGS[@]}"; do
            [ -f "$log" ] || continue
            echo "===== $log (last 200 lines) =====" >&2
            tail -n 200 "$log" >&2
        done
        echo "FAILED: $it_name (exit $rc)" >&2
    elif [ "$rc" -eq 0 ]; then
        echo "PASS: $it_name"
    fi
    # --one-file-system: never descend into something that failed to unmount.
    rm -rf --one-file-system "$T"
    exit "$rc"
}
trap it_cleanup EXIT
# A signal (ctest timeout, ^C, a reader that went away) becomes a failing
# exit so the EXIT trap still runs; bash skips it when a signal kills it.
trap 'exit 1' INT TERM HUP PIPE

# --- HTTP ---------------------------------------------------------------------

# api METHOD PATH [BODY] — one request to the main daemon. Sets HTTP_STATUS,
# HTTP_CTYPE and HTTP_BODY (body also in $T/last-body); never fails itself.
api() {
    local method=$1 path=$2 body=${3:-} meta
    local args=(-s --max-time 30 --unix-socket "$SOCK" -X "$method" -o "$T/last-body"
        -w '%{http_code} %{content_type}')
    if [ -n "$body" ]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    meta=$(curl "${args[@]}" "http://berth$path") || meta="000 "
    HTTP_STATUS=${meta%% *}
    # shellcheck disable=SC2034 # read by the test scripts
    HTTP_CTYPE=${meta#* }
    HTTP_BODY=$(cat "$T/last-body" 2>/dev/null || true)
}

# --- assertions ---------------------------------------------------------------
# Each prints what was expected and what came instead.

assert_eq() { # EXPECTED ACTUAL WHAT
    [ "$1" == "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_ne() { # UNEXPECTED ACTUAL WHAT
    [ "$1" != "$2" ] || fail "$3: expected anything but '$1'"
}

assert_contains() { # HAYSTACK NEEDLE WHAT
    case "$1" in
    *"$2"*) ;;
    *) fail "$3: expected to contain '$2', got:
$1" ;;
    esac
}

assert_not_contains() { # HAYSTACK NEEDLE WHAT
    case "$1" in
    *"$2"*) fail "$3: expected NOT to contain '$2', got:
$1" ;;
    esac
}

assert_match() { # HAYSTACK EXTENDED-REGEX WHAT
    grep -Eq -- "$2" <<<"$1" || fail "$3: expected a line matching /$2/, got:
$1"
}

assert_status() { # EXPECTED-HTTP-STATUS WHAT (after api)
    [ "$HTTP_STATUS" == "$1" ] || fail "$2: expected HTTP $1, got $HTTP_STATUS with body:
$HTTP_BODY"
}

assert_file_absent() { # PATH WHAT
    [ ! -e "$1" ] || fail "$2: expected $1 to be gone, it exists"
}

# json_eval EXPRESSION — evaluate a Python expression over the JSON document
# on stdin (bound to `d`) and print the result (strings bare, others as
# JSON). Fails the test on a parse error.
json_eval() {
    python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    sys.exit("not JSON: %s" % e)
r = eval(sys.argv[1])
print(r if isinstance(r, str) else json.dumps(r))
' "$1" || fail "could not evaluate '$1' over the JSON response"
}

# plugins_json — GET /v1.44/plugins, asserting a 200 JSON array of objects
# that each carry the "Berth" object. The body is left in $T/plugins.json and
# flattened (one python3 run per fetch; python3 can be slow to start) into
# $T/plugins.tsv, one line per entry:
#   file-basename name version state generation reason file drivers
# where drivers is "kind/name,...". Read it with plugin_by_file and
# plugin_by_version.
plugins_json() {
    api GET /v1.44/plugins
    assert_status 200 "GET /v1.44/plugins"
    printf '%s' "$HTTP_BODY" >"$T/plugins.json"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
if not isinstance(d, list):
    sys.exit("expected a JSON array, got %s" % type(d).__name__)
clean = lambda v: str(v).replace("\t", " ").replace("\n", " ")
with open(sys.argv[2], "w") as out:
    for p in d:
        b = p["Berth"]
        f = b["File"]
        drivers = ",".join("%s/%s" % (x["Kind"], x["Name"]) for x in b["Drivers"])
        out.write("\t".join(clean(v) for v in (f.rsplit("/", 1)[-1], b["Name"], b["Version"],
                  b["State"], b["Generation"], b["Reason"], f, drivers)) + "\n")
' "$T/plugins.json" "$T/plugins.tsv" ||
        fail "GET /v1.44/plugins: not the documented shape (array of plugins with a Berth object):
$HTTP_BODY"
}

# Column numbers in plugins.tsv.
_plugin_col() {
    case "$1" in
    basename) echo 1 ;; name) echo 2 ;; version) echo 3 ;; state) echo 4 ;;
    generation) echo 5 ;; reason) echo 6 ;; file) echo 7 ;; drivers) echo 8 ;;
    *) fail "no plugin field '$1'" ;;
    esac
}

# plugin_by_file BASENAME FIELD — FIELD of the entries loaded from a file of
# that name (a refused file may have no plugin name), one per line.
plugin_by_file() {
    local col
    col=$(_plugin_col "$2")
    awk -F'\t' -v k="$1" -v c="$col" '$1 == k { print $c }' "$T/plugins.tsv"
}

# plugin_by_version NAME VERSION FIELD — FIELD of plugin NAME at VERSION.
plugin_by_version() {
    local col
    col=$(_plugin_col "$3")
    awk -F'\t' -v n="$1" -v v="$2" -v c="$col" '$2 == n && $3 == v { print $c }' "$T/plugins.tsv"
}

# The plugin table, for failure messages.
plugins_table() {
    awk -F'\t' '{ printf "  %-30s %-8s %-9s gen=%-3s %s  reason=%s\n", $2, $3, $4, $5, $7, $6 }' \
        "$T/plugins.tsv" 2>/dev/null || cat "$T/plugins.json"
}
