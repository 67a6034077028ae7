#!/usr/bin/env bash
# container_restart.sh — restart policies as dockerd applies them:
#   on-failure:2  restarts twice after failures, then stays exited
#                 (RestartCount 2), and never restarts after exit 0
#   always        restarts after any exit until `docker stop`; comes back
#                 when the daemon restarts even after a manual stop
#   unless-stopped  like always, but a manual stop survives a daemon restart
#   backoff       restarts are announced as alternating die/start events
#                 with RestartCount rising by one each time (the delays
#                 themselves are not asserted: no timing assertions)
#   docker stop   ends a restarting container for good
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=rs$$
NET=(--network none)

count_runs() { docker logs "$1" 2>/dev/null | grep -c '^run$' || true; }

_exited_with_count() {
    [ "$(docker container inspect --format '{{.State.Status}} {{.RestartCount}}' "$1" 2>/dev/null)" == "exited $2" ]
}

s_on_failure() {
    dk_ok run -d "${NET[@]}" --restart on-failure:2 --name "$P-of" busybox sh -c 'echo run; exit 1'
    assert_eq on-failure "$(ci '{{.HostConfig.RestartPolicy.Name}}' "$P-of")" "RestartPolicy.Name"
    assert_eq 2 "$(ci '{{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$P-of")" "RestartPolicy.MaximumRetryCount"
    wait_until 60 "on-failure:2 to end exited with RestartCount 2 (now: $(docker inspect --format '{{.State.Status}} {{.RestartCount}}' "$P-of" 2>&1))" \
        _exited_with_count "$P-of" 2
    assert_eq 3 "$(count_runs "$P-of")" "runs of an on-failure:2 container that always fails (1 + 2 restarts)"
    assert_eq 1 "$(ci '{{.State.ExitCode}}' "$P-of")" "ExitCode after the last failure"
    assert_eq false "$(ci '{{.State.Restarting}}' "$P-of")" "Restarting after giving up"
    # A clean exit is not a failure: no restart.
    dk_ok run -d "${NET[@]}" --restart on-failure --name "$P-of0" busybox sh -c 'echo run; exit 0'
    wait_status "$P-of0" exited
    dk_ok wait "$P-of0"
    assert_eq 0 "$OUT" "exit code of an on-failure container that succeeded"
    assert_eq 0 "$(ci '{{.RestartCount}}' "$P-of0")" "RestartCount after exit 0 under on-failure"
    # A manual start resets RestartCount.
    dk_ok start "$P-of"
    wait_until 60 "on-failure:2 to give up again after docker start" _exited_with_count "$P-of" 2
    assert_eq 6 "$(count_runs "$P-of")" "runs after a manual start (3 more)"
}

_count_at_least() {
    [ "$(docker container inspect --format '{{.RestartCount}}' "$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

s_always() {
    dk_ok run -d "${NET[@]}" --restart always --name "$P-al" busybox sh -c 'echo run; sleep 0.2; exit 0'
    wait_until 60 "always: RestartCount to reach 3" _count_at_least "$P-al" 3
    dk_ok stop -t 1 "$P-al"
    assert_eq exited "$(ci '{{.State.Status}}' "$P-al")" "always: status right after docker stop"
    local n
    n=$(ci '{{.RestartCount}}' "$P-al")
    # The stop is for good: every later look finds it exited, count unchanged.
    local i
    for i in 1 2 3 4 5; do
        dk_ok wait "$P-al"
        assert_eq "exited $n" "$(ci '{{.State.Status}} {{.RestartCount}}' "$P-al")" "always: state after docker stop (look $i)"
    done
    dk_ok ps -q --filter "name=$P-al"
    assert_eq "" "$OUT" "docker ps after stopping an always container"
}

s_unless_stopped() {
    dk_ok run -d "${NET[@]}" --restart unless-stopped --name "$P-us" busybox sh -c 'echo run; exit 3'
    wait_until 60 "unless-stopped: RestartCount to reach 2" _count_at_least "$P-us" 2
    dk_ok stop -t 1 "$P-us"
    assert_eq exited "$(ci '{{.State.Status}}' "$P-us")" "unless-stopped: status after docker stop"
}

s_events() {
    need_route GET "/v1.43/events?until=1" events
    dk_ok run -d "${NET[@]}" --restart on-failure:3 --name "$P-ev" busybox sh -c 'echo run; exit 1'
    local id=$OUT
    wait_until 60 "on-failure:3 to give up" _exited_with_count "$P-ev" 3
    # --until counts whole seconds: the last restart may fall in this one,
    # so the window ends at the next (events waits for it).
    local until=$(($(date +%s) + 1))
    dk_ok events --since 0 --until "$until" --filter "container=$id" --format '{{.Action}}'
    local seq
    seq=$(grep -E '^(start|die)$' <<<"$OUT" | tr '\n' ' ')
    assert_eq "start die start die start die start die " "$seq" "events of an on-failure:3 container (each restart is a start after a die)"
    dk_ok events --since 0 --until "$until" --filter "container=$id" --filter event=die --format '{{index .Actor.Attributes "exitCode"}}'
    assert_eq "1
1
1
1" "$OUT" "die events carry exitCode"
}

s_stop_while_restarting() {
    # A container that fails at once spends most of its life in the
    # backoff delay; docker stop must end it there too.
    dk_ok run -d "${NET[@]}" --restart always --name "$P-bo" busybox sh -c 'echo run; exit 1'
    wait_until 60 "always: RestartCount to reach 4" _count_at_least "$P-bo" 4
    dk_ok stop -t 1 "$P-bo"
    assert_eq "exited false" "$(ci '{{.State.Status}} {{.State.Restarting}}' "$P-bo")" "stop during backoff"
    local n
    n=$(count_runs "$P-bo")
    dk_ok wait "$P-bo"
    assert_eq "$n" "$(count_runs "$P-bo")" "no run after docker stop"
    dk_ok rm "$P-bo"
}

section on-failure s_on_failure
section always s_always
section unless-stopped s_unless_stopped
section events s_events
section stop-while-restarting s_stop_while_restarting

# Daemon restart: an always container stopped by hand comes back, an
# unless-stopped one stopped by hand does not, and a running always
# container is running afterwards. berthd restarts at the top level (a
# section's subshell could not reap it); the checks are a section.
s_after_daemon_restart() {
    wait_status "$P-al-up" running 60
    wait_status "$P-al" running 60
    sleep 0.5 # not an assertion on time: give a wrong restart a chance to show
    assert_eq exited "$(ci '{{.State.Status}}' "$P-us")" "unless-stopped stopped by hand, after a daemon restart"
}

note "daemon restart"
if docker container inspect "$P-al" "$P-us" >/dev/null 2>&1; then
    dk_ok run -d "${NET[@]}" --restart always --name "$P-al-up" busybox sleep 300
    stop_pid "$BERTHD_PID"
    reap "$BERTHD_PID"
    start_berthd
    section daemon-restart s_after_daemon_restart
else
    echo "daemon restart: the always/unless-stopped sections did not leave their containers"
    CT_FAILED+=(daemon-restart)
fi
sections_done
