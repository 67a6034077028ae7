#!/usr/bin/env bash
# container_live_restore.sh — containers outlive berthd: kill -9 the daemon
# with three containers running (one writing a counter line every 0.2 s),
# start it again on the same data root, and
#   - all three are listed running with the same Pid and StartedAt;
#   - the log holds the lines written while berthd was down, with no gap;
#   - each can be followed, attached to, exec'd into, stopped and removed.
# Then the shim side: kill -9 one container's berth-shim and berthd reports
# the container exited (not running, not lost) and its process is gone;
# and a shim that dies while berthd is down is found exited, with an exit
# code, when berthd comes back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=lr$$
NET=(--network none)

now_utc() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }

# The berth-shim process of container ID (it is started with --id <ID>).
shim_of() {
    local p
    for p in $(pgrep -x berth-shim); do
        if grep -qx -- "$1" <<<"$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline")"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

kill9_berthd() {
    kill -KILL "$BERTHD_PID"
    reap "$BERTHD_PID"
}

counts_consecutive() { # LOG-TEXT — "count N" lines run 0,1,2,... without a gap
    awk '$1 == "count" { if ($2 != n) { print "gap: expected " n ", got " $2; exit 1 } n++ } END { if (n < 1) exit 1 }'
}

note "three containers"
dk_ok run -d "${NET[@]}" --name "$P-count" busybox \
    sh -c 'i=0; while true; do echo "count $i"; i=$((i + 1)); sleep 0.2; done'
ID_COUNT=$OUT
dk_ok run -d "${NET[@]}" --name "$P-sleep" busybox sleep 300
ID_SLEEP=$OUT
dk_ok run -dit "${NET[@]}" --name "$P-tty" busybox sh
ID_TTY=$OUT
wait_log "$P-count" "count 3"
declare -A PID0 STARTED0
for c in "$P-count" "$P-sleep" "$P-tty"; do
    PID0[$c]=$(ci '{{.State.Pid}}' "$c")
    STARTED0[$c]=$(ci '{{.State.StartedAt}}' "$c")
done

note "kill -9 berthd"
kill9_berthd
t_down=$(now_utc)
for c in "$P-count" "$P-sleep" "$P-tty"; do
    pid_alive "${PID0[$c]}" || fail "container $c (pid ${PID0[$c]}) died with berthd"
done
sleep 1.5 # berthd stays down a while; the counter keeps writing
t_up=$(now_utc)
start_berthd

note "after the restart"
dk_ok ps -q --no-trunc
for id in "$ID_COUNT" "$ID_SLEEP" "$ID_TTY"; do
    assert_contains "$OUT" "$id" "docker ps after berthd restarted"
done
for c in "$P-count" "$P-sleep" "$P-tty"; do
    assert_eq running "$(ci '{{.State.Status}}' "$c")" "$c: status after the restart"
    assert_eq "${PID0[$c]}" "$(ci '{{.State.Pid}}' "$c")" "$c: the same Pid (re-adopted, not restarted)"
    assert_eq "${STARTED0[$c]}" "$(ci '{{.State.StartedAt}}' "$c")" "$c: the same StartedAt"
done
dk_ok logs -t "$P-count"
logs=$OUT
down_lines=$(awk -v a="$t_down" -v b="$t_up" '$1 > a && $1 < b' <<<"$logs" | wc -l)
[ "$down_lines" -ge 1 ] || fail "no log line stamped between the kill ($t_down) and the restart ($t_up):
$(tail -20 <<<"$logs")"
cut -d' ' -f2- <<<"$logs" | counts_consecutive || fail "the counter's log has a gap:
$logs"

note "follow, attach, exec, stop, rm"
last=$(docker logs --tail 1 "$P-count" | cut -d' ' -f2)
timeout 60 docker logs -f --tail 0 "$P-count" >"$T/follow.out" 2>&1 &
bg_track $!
wait_until 20 "logs -f to show new counter lines" grep -q "^count" "$T/follow.out"
[ "$(head -1 "$T/follow.out" | cut -d' ' -f2)" -gt "$last" ] || fail "logs -f --tail 0 repeated old lines: $(head -3 "$T/follow.out")"
docker attach --no-stdin "$P-count" >"$T/attach.out" 2>&1 &
att=$!
bg_track $att
wait_until 20 "docker attach to a re-adopted container to show output" grep -q "^count" "$T/attach.out"
kill -KILL $att 2>/dev/null || true
wait $att 2>/dev/null || true
for c in "$P-count" "$P-sleep" "$P-tty"; do
    dk_ok exec "$c" echo "exec-in-$c"
    assert_eq "exec-in-$c" "$OUT" "exec into $c after the restart"
done
dk_ok stop -t 1 "$P-count" "$P-sleep" "$P-tty"
for c in "$P-count" "$P-sleep" "$P-tty"; do
    assert_eq exited "$(ci '{{.State.Status}}' "$c")" "$c: status after stop"
    pid_alive "${PID0[$c]}" && fail "$c: process ${PID0[$c]} still runs after docker stop"
done
assert_eq 137 "$(ci '{{.State.ExitCode}}' "$P-sleep")" "exit code of sleep after stop (TERM ignored by PID 1 without a handler)"
dk_ok rm "$P-count" "$P-sleep" "$P-tty"
dk_ok ps -a -q
assert_eq "" "$OUT" "docker ps -a after rm"

note "kill -9 a shim while berthd runs"
dk_ok run -d "${NET[@]}" --name "$P-shimdie" busybox sleep 300
ID=$OUT
pid=$(ci '{{.State.Pid}}' "$P-shimdie")
shim=$(shim_of "$ID") || fail "no berth-shim started with --id $ID"
kill -KILL "$shim"
wait_status "$P-shimdie" exited 30
code=$(ci '{{.State.ExitCode}}' "$P-shimdie")
assert_ne 0 "$code" "exit code after its shim was killed"
wait_until 20 "the container's process $pid to be gone after its shim died" sh -c "! kill -0 $pid 2>/dev/null"
dk_ok ps -a -q --no-trunc
assert_contains "$OUT" "$ID" "a container whose shim died is still listed"
dk_ok start "$P-shimdie"
assert_eq running "$(ci '{{.State.Status}}' "$P-shimdie")" "start after the shim died"
dk_ok rm -f "$P-shimdie"

note "a shim dies while berthd is down"
dk_ok run -d "${NET[@]}" --name "$P-downdie" busybox sleep 300
ID=$OUT
pid=$(ci '{{.State.Pid}}' "$P-downdie")
shim=$(shim_of "$ID") || fail "no berth-shim started with --id $ID"
kill9_berthd
kill -KILL "$shim"
wait_exit "$shim" 10 || fail "berth-shim $shim survived SIGKILL"
start_berthd
wait_status "$P-downdie" exited 30
code=$(ci '{{.State.ExitCode}}' "$P-downdie")
assert_match "$code" '^[1-9][0-9]*$' "exit code of a container whose shim died while berthd was down"
assert_ne "0001-01-01T00:00:00Z" "$(ci '{{.State.FinishedAt}}' "$P-downdie")" "FinishedAt of that container"
wait_until 20 "the container's process $pid to be gone" sh -c "! kill -0 $pid 2>/dev/null"
dk_ok rm "$P-downdie"
echo PASS
