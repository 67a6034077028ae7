#!/usr/bin/env bash
# berth_cli_containers.sh — the berth CLI's container and volume commands
# against a real berthd (the integration libraries' daemon, busybox image and
# clean-up): run's exit statuses and streams, -d/ps/logs/exec/cp/stop/rm,
# cp both ways, stdin through `run -i`, a tty session left with the detach
# keys, volumes.
# Each group is a section; a section whose route berthd lacks is skipped.
IT=$(cd "$(dirname "$0")/../integration" && pwd)
. "$IT/lib.sh"
. "$IT/image_lib.sh"
. "$IT/container_lib.sh"

ct_setup
P=bcli$$ # name prefix
NET=(--network none)

# b ARGS... — run the berth CLI against the test's daemon; RC and OUT as dk.
b() {
    RC=0
    OUT=$("$BERTH" -H "$HOST" "$@" 2>&1) || RC=$?
}

s_exit_codes() {
    b run "${NET[@]}" --name "$P-exit3" busybox sh -c 'exit 3'
    assert_eq 3 "$RC" "berth run ... exit 3 status (output: $OUT)"
    b run --rm "${NET[@]}" busybox sh -c 'echo out; echo err >&2'
    assert_eq 0 "$RC" "berth run --rm status (output: $OUT)"
    assert_contains "$OUT" "out" "berth run stdout"
    assert_contains "$OUT" "err" "berth run stderr"
    b run "${NET[@]}" busybox nosuchcommand
    assert_eq 127 "$RC" "berth run of a missing command (output: $OUT)"
    assert_contains "$OUT" "executable file not found" "berth run of a missing command"
}

s_detached() {
    b run -d "${NET[@]}" --name "$P-top" busybox sh -c 'echo started; sleep 300'
    assert_eq 0 "$RC" "berth run -d (output: $OUT)"
    assert_match "$OUT" '^[0-9a-f]{64}$' "berth run -d prints the full ID"
    b ps --format '{{.Names}} {{.Image}}'
    assert_contains "$OUT" "$P-top busybox" "berth ps lists the container"
    wait_until 10 "the container's first log line" bash -c "'$BERTH' -H '$HOST' logs '$P-top' | grep -q started"
    b exec "$P-top" sh -c 'echo $((6*7)); exit 4'
    assert_eq 4 "$RC" "berth exec exit status (output: $OUT)"
    assert_eq 42 "$OUT" "berth exec output"
    b stop -t 1 "$P-top"
    assert_eq "$P-top" "$OUT" "berth stop prints the name"
    b rm "$P-top"
    assert_eq 0 "$RC" "berth rm (output: $OUT)"
    b ps -a --format '{{.Names}}'
    case "$OUT" in *"$P-top"*) fail "berth ps -a still lists $P-top after rm" ;; esac
}

s_cp() {
    b run -d "${NET[@]}" --name "$P-cp" busybox sleep 300
    assert_eq 0 "$RC" "berth run -d (output: $OUT)"
    printf 'payload\n' >"$T/f.txt"
    b exec "$P-cp" mkdir -p /work
    assert_eq 0 "$RC" "berth exec mkdir (output: $OUT)"
    b cp "$T/f.txt" "$P-cp:/work/"
    assert_eq 0 "$RC" "berth cp into the container (output: $OUT)"
    b exec "$P-cp" cat /work/f.txt
    assert_eq payload "$OUT" "the copied file inside the container"
    b cp "$P-cp:/work/f.txt" "$T/back.txt"
    assert_eq 0 "$RC" "berth cp out of the container (output: $OUT)"
    assert_eq payload "$(cat "$T/back.txt")" "the file copied back"
    b rm -f "$P-cp"
}

s_stdin() {
    local out rc=0
    out=$(printf 'hello\nworld\n' | "$BERTH" -H "$HOST" run -i --rm "${NET[@]}" busybox cat 2>&1) || rc=$?
    assert_eq 0 "$rc" "berth run -i status (output: $out)"
    assert_eq $'hello\nworld' "$out" "stdin echoed by cat"
}

s_tty_detach() {
    command -v script >/dev/null || skip "script(1) not installed"
    # script(1) gives berth a pty. The keys are typed only once the shell's
    # prompt is through: berth has the terminal in raw mode by then (before
    # it, the pty's own line discipline would eat ctrl-q as XON).
    mkfifo "$T/tty.in"
    script -qfec "'$BERTH' -H '$HOST' run -it --name '$P-tty' ${NET[*]} busybox sh; echo berth-rc=\$?" \
        /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 &
    bg_track $!
    exec 7>"$T/tty.in"
    wait_until 20 "the shell prompt through berth run -it" grep -q '/ #' "$T/tty.out"
    printf '\020\021' >&7
    wait_until 20 "berth run -it to detach" grep -q 'berth-rc=' "$T/tty.out"
    exec 7>&-
    assert_contains "$(cat "$T/tty.out")" "berth-rc=0" "berth run -it exit status after the detach keys"
    b inspect -f '{{.State.Running}}' "$P-tty"
    assert_eq true "$OUT" "the container still runs after the detach"
    b rm -f "$P-tty"
    assert_eq 0 "$RC" "berth rm -f (output: $OUT)"
}

s_volumes() {
    need_route POST /v1.43/volumes/create "volumes"
    b volume create "$P-vol"
    assert_eq "$P-vol" "$OUT" "berth volume create"
    b run --rm "${NET[@]}" -v "$P-vol:/data" busybox sh -c 'echo kept >/data/f'
    assert_eq 0 "$RC" "write into the volume (output: $OUT)"
    b run --rm "${NET[@]}" -v "$P-vol:/data:ro" busybox cat /data/f
    assert_eq kept "$OUT" "read from the volume"
    b volume ls -q
    assert_contains "$OUT" "$P-vol" "berth volume ls -q"
    b volume rm "$P-vol"
    assert_eq "$P-vol" "$OUT" "berth volume rm"
}

section exit-codes s_exit_codes
section detached s_detached
section cp s_cp
section stdin s_stdin
section tty-detach s_tty_detach
section volumes s_volumes
sections_done
