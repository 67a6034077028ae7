#!/usr/bin/env bash
# signals.sh — SIGTERM and SIGINT stop berthd cleanly: exit status 0 within
# 10 s and the API socket removed. The second run reuses the first run's data
# root, so it also proves a clean stop releases the data-root lock.
. "$(dirname "$0")/lib.sh"

for sig in TERM INT; do
    note "SIG$sig"
    start_berthd
    pid=$BERTHD_PID
    [ -S "$SOCK" ] || fail "berthd answers /_ping but $SOCK is not a socket"
    kill -"$sig" "$pid"
    wait_exit "$pid" 10 || fail "berthd did not exit within 10 s of SIG$sig"
    reap "$pid"
    assert_eq 0 "$REAP_RC" "exit status after SIG$sig"
    assert_file_absent "$SOCK" "API socket after SIG$sig"
done
