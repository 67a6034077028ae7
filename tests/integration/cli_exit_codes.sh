#!/usr/bin/env bash
# cli_exit_codes.sh — docker's exit statuses from `run` and `exec`, for the
# berth CLI and the stock docker CLI against the same berthd: 125 when the
# daemon or the CLI fails before the command starts (unknown image with
# --pull=never, a bad flag), 127 when the command does not exist, 126 when
# it cannot be executed, and otherwise the command's own status.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=cx$$ # name prefix
NET=(--network none)

# bt ARGS... — the berth CLI against this test's daemon; sets OUT and RC.
bt() {
    RC=0
    OUT=$("$BERTH" -H "$HOST" "$@" 2>&1) || RC=$?
}

# expect STATUS WHAT CLI ARGS... — run ARGS with the CLI (dk or bt) and check
# the exit status.
expect() {
    local want=$1 what=$2 cli=$3
    shift 3
    "$cli" "$@"
    assert_eq "$want" "$RC" "$what: exit status of '$cli $*' (output: $OUT)"
}

s_run() {
    local cli
    for cli in dk bt; do
        expect 125 "unknown image, --pull=never" $cli run --rm "${NET[@]}" --pull=never "$P-nosuch:1" true
        assert_contains "$OUT" "No such image" "$cli run of a missing image with --pull=never"
        expect 125 "unknown flag" $cli run --rm --no-such-flag busybox true
        expect 127 "missing executable" $cli run --rm "${NET[@]}" busybox /nonexistent
        assert_contains "$OUT" "no such file or directory" "$cli run of a missing path"
        expect 127 "command not in PATH" $cli run --rm "${NET[@]}" busybox nosuchcommand
        assert_contains "$OUT" "executable file not found" "$cli run of a missing command"
        expect 126 "not executable" $cli run --rm "${NET[@]}" busybox /etc/passwd
        assert_contains "$OUT" "permission denied" "$cli run of a file without x bits"
        expect 126 "a directory" $cli run --rm "${NET[@]}" busybox /etc
        expect 3 "the command's status" $cli run --rm "${NET[@]}" busybox sh -c 'exit 3'
        expect 0 "success" $cli run --rm "${NET[@]}" busybox true
        # Detached: the start failure is the daemon's, reported before any
        # container output, with the same statuses.
        expect 127 "detached, missing executable" $cli run -d "${NET[@]}" busybox /nonexistent
    done
}

s_exec() {
    dk_ok run -d "${NET[@]}" --name "$P-ex" busybox sleep 300
    local cli
    for cli in dk bt; do
        expect 127 "exec of a missing executable" $cli exec "$P-ex" /nonexistent
        expect 127 "exec of a command not in PATH" $cli exec "$P-ex" nosuchcommand
        expect 126 "exec of a file without x bits" $cli exec "$P-ex" /etc/passwd
        expect 4 "exec's command status" $cli exec "$P-ex" sh -c 'exit 4'
        expect 0 "exec success" $cli exec "$P-ex" true
        expect 1 "exec in a missing container" $cli exec "$P-nosuch" true
    done
}

s_other_commands() {
    local cli
    for cli in dk bt; do
        expect 1 "rm of a missing container" $cli rm "$P-nosuch"
        expect 125 "unknown flag of ps" $cli ps --no-such-flag
        expect 0 "ps" $cli ps -q
    done
}

section run s_run
section exec s_exec
section other s_other_commands
sections_done
