#!/usr/bin/env bash
# container_lifecycle.sh — a container's life as the stock docker CLI drives
# it against berthd, checked against what dockerd does: exit codes, --rm,
# IDs and names, ps and its filters, inspect fields, stop/kill signals,
# restart, pause, rename, wait, logs, exec, top, stats, attach, the run
# flags (env, workdir, entrypoint, user, labels), bind mounts and volumes,
# cp, diff, commit and export.
#
# Each group of checks is a section: a failure ends its section only, so
# one run lists every broken behaviour. A section whose endpoint berthd
# does not route yet is skipped (and the test exits 77 if nothing failed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=lc$$ # name prefix
NET=(--network none)

s_exit_codes() {
    dk run "${NET[@]}" --name "$P-exit3" busybox sh -c 'exit 3'
    assert_eq 3 "$RC" "docker run busybox sh -c 'exit 3' exit status (output: $OUT)"
    dk_ok run --rm "${NET[@]}" busybox echo hi
    assert_eq hi "$OUT" "docker run --rm busybox echo hi output"
    local left
    left=$(docker ps -aq --no-trunc)
    local id3
    id3=$(ci '{{.Id}}' "$P-exit3")
    assert_eq "$id3" "$left" "containers left after run --rm (only $P-exit3 may remain)"
    dk run "${NET[@]}" busybox nosuchcommand
    assert_eq 127 "$RC" "docker run busybox nosuchcommand exit status (output: $OUT)"
    assert_contains "$OUT" "executable file not found" "docker run of a missing command"
}

s_ids_names() {
    dk_ok run -d "${NET[@]}" --name "$P-top" busybox sleep 300
    assert_match "$OUT" '^[0-9a-f]{64}$' "docker run -d prints the full ID"
    local id=$OUT
    assert_eq "$id" "$(ci '{{.Id}}' "$P-top")" "inspect by name"
    assert_eq "$id" "$(ci '{{.Id}}' "${id:0:12}")" "inspect by 12-character prefix"
    assert_eq "$id" "$(ci '{{.Id}}' "${id:0:5}")" "inspect by 5-character prefix"
    assert_eq "/$P-top" "$(ci '{{.Name}}' "$id")" "inspect .Name"
    dk_ok run -d "${NET[@]}" busybox sleep 300
    local gen
    gen=$(ci '{{.Name}}' "$OUT")
    assert_match "$gen" '^/[a-z]+_[a-z]+[0-9]?$' "generated name (adjective_surname)"
    local gen_id=$OUT
    dk_ok run "${NET[@]}" --name "$P-hn" busybox sh -c 'cat /etc/hostname; hostname'
    local hn_id
    hn_id=$(ci '{{.Id}}' "$P-hn")
    assert_eq "${hn_id:0:12}
${hn_id:0:12}" "$OUT" "/etc/hostname and hostname(1) default to the short ID"
    assert_eq "${gen_id:0:12}" "$(ci '{{.Config.Hostname}}' "$gen_id")" "Config.Hostname defaults to the short ID"
    dk_ok rm -f "$gen_id"
    dk_fails inspect "$P-nosuch"
    assert_contains "$OUT" "No such object: $P-nosuch" "docker inspect of an unknown name"
    dk_fails container inspect "$P-nosuch"
    assert_contains "$OUT" "No such container: $P-nosuch" "docker container inspect of an unknown name"
    dk run -d "${NET[@]}" --name "$P-top" busybox true
    assert_eq 125 "$RC" "docker run with a name in use: exit status (output: $OUT)"
    assert_contains "$OUT" "Conflict. The container name \"/$P-top\" is already in use by container \"$id\"" \
        "run with a name in use"
    dk create --name 'x' busybox true
    assert_ne 0 "$RC" "docker create --name x: exit status"
    assert_contains "$OUT" "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" \
        "a one-character name"
}

s_inspect() {
    dk_ok run -d "${NET[@]}" --name "$P-insp" busybox sh -c 'sleep 300'
    local c=$P-insp
    assert_eq running "$(ci '{{.State.Status}}' $c)" "State.Status of a running container"
    assert_eq true "$(ci '{{.State.Running}}' $c)" "State.Running"
    assert_eq false "$(ci '{{.State.Paused}}' $c)" "State.Paused"
    local pid
    pid=$(ci '{{.State.Pid}}' $c)
    [ "$pid" -gt 0 ] || fail "State.Pid of a running container: $pid"
    assert_contains "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "sleep 300" "State.Pid is the container's process"
    assert_match "$(ci '{{.State.StartedAt}}' $c)" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "State.StartedAt"
    assert_eq "0001-01-01T00:00:00Z" "$(ci '{{.State.FinishedAt}}' $c)" "State.FinishedAt while running"
    assert_eq busybox "$(ci '{{.Config.Image}}' $c)" "Config.Image (as typed)"
    assert_eq "$IMAGE_ID" "$(ci '{{.Image}}' $c)" "Image (the image ID)"
    assert_eq none "$(ci '{{.HostConfig.NetworkMode}}' $c)" "HostConfig.NetworkMode"
    assert_eq no "$(ci '{{.HostConfig.RestartPolicy.Name}}' $c)" "HostConfig.RestartPolicy.Name"
    assert_eq json-file "$(ci '{{.HostConfig.LogConfig.Type}}' $c)" "HostConfig.LogConfig.Type"
    assert_eq 0 "$(ci '{{.RestartCount}}' $c)" "RestartCount"
    assert_eq "[]" "$(ci '{{json .Mounts}}' $c)" "Mounts of a container without volumes"
    assert_eq '["sh","-c","sleep 300"]' "$(ci '{{json .Config.Cmd}}' $c)" "Config.Cmd"
    assert_eq sh "$(ci '{{.Path}}' $c)" "Path"
    assert_eq '["-c","sleep 300"]' "$(ci '{{json .Args}}' $c)" "Args"
    # Exited: code, FinishedAt, Pid 0.
    dk run "${NET[@]}" --name "$P-insp3" busybox sh -c 'exit 3'
    assert_eq exited "$(ci '{{.State.Status}}' "$P-insp3")" "State.Status after exit"
    assert_eq 3 "$(ci '{{.State.ExitCode}}' "$P-insp3")" "State.ExitCode"
    assert_eq 0 "$(ci '{{.State.Pid}}' "$P-insp3")" "State.Pid after exit"
    assert_ne "0001-01-01T00:00:00Z" "$(ci '{{.State.FinishedAt}}' "$P-insp3")" "State.FinishedAt after exit"
    dk_ok create "${NET[@]}" --name "$P-created" busybox true
    assert_eq created "$(ci '{{.State.Status}}' "$P-created")" "State.Status of a created container"
    assert_eq "0001-01-01T00:00:00Z" "$(ci '{{.State.StartedAt}}' "$P-created")" "StartedAt of a created container"
}

s_ps() {
    dk_ok run -d "${NET[@]}" --name "$P-ps-up" busybox sleep 300
    local up=$OUT
    dk run "${NET[@]}" --name "$P-ps-ex" busybox sh -c 'exit 2'
    local ex
    ex=$(ci '{{.Id}}' "$P-ps-ex")
    dk_ok create "${NET[@]}" --name "$P-ps-new" busybox true
    local new=$OUT
    dk_ok ps -q
    assert_contains "$OUT" "${up:0:12}" "docker ps -q lists the running container"
    assert_not_contains "$OUT" "${ex:0:12}" "docker ps -q (no -a) hides exited containers"
    dk_ok ps -a -q --no-trunc
    assert_contains "$OUT" "$ex" "docker ps -a lists exited containers"
    assert_contains "$OUT" "$new" "docker ps -a lists created containers"
    dk_ok ps -a -q --filter status=exited --filter "name=$P-ps-"
    assert_eq "${ex:0:12}" "$OUT" "ps --filter status=exited --filter name=$P-ps-"
    dk_ok ps -a -q --filter status=created
    assert_contains "$OUT" "${new:0:12}" "ps --filter status=created"
    dk_ok ps -a -q -l
    assert_eq "${new:0:12}" "$OUT" "ps -l (the latest created)"
    dk_ok ps -a -q -n 2
    assert_eq "${new:0:12}
${ex:0:12}" "$OUT" "ps -n 2 (newest first)"
    dk_ok ps -a --filter "name=$P-ps-ex" --format '{{.Names}}|{{.Status}}|{{.Command}}'
    assert_match "$OUT" "^$P-ps-ex\|Exited \(2\) .* ago\|\"sh -c 'exit 2'\"$" "ps Names/Status/Command of an exited container"
    dk_ok ps --filter "name=$P-ps-up" --format '{{.Status}}'
    assert_match "$OUT" '^Up ' "ps Status of a running container"
    dk_ok ps -a --filter "name=$P-ps-new" --format '{{.Status}}'
    assert_eq Created "$OUT" "ps Status of a created container"
    dk_ok ps -s --filter "name=$P-ps-up" --format '{{.Size}}'
    assert_match "$OUT" '^[0-9.]+k?B \(virtual [0-9.]+[kM]B\)$' "ps -s Size column"
    dk_ok ps -a --filter "id=${up:0:12}" -q
    assert_eq "${up:0:12}" "$OUT" "ps --filter id=<prefix>"
}

s_stop_kill() {
    # SIGTERM reaches PID 1, whose trap records it and exits 0.
    dk_ok run -d "${NET[@]}" --name "$P-term" busybox \
        sh -c 'trap "echo got-TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done'
    wait_log "$P-term" ready
    dk_ok stop "$P-term"
    assert_eq "$P-term" "$OUT" "docker stop prints the name"
    wait_log "$P-term" got-TERM 10
    assert_eq 0 "$(ci '{{.State.ExitCode}}' "$P-term")" "exit code after a handled SIGTERM"
    assert_eq exited "$(ci '{{.State.Status}}' "$P-term")" "status after stop"
    # A container that ignores TERM is SIGKILLed after -t: 137.
    dk_ok run -d "${NET[@]}" --name "$P-deaf" busybox \
        sh -c 'trap "" TERM; echo ready; while true; do sleep 0.1; done'
    wait_log "$P-deaf" ready
    dk_ok stop -t 1 "$P-deaf"
    assert_eq 137 "$(ci '{{.State.ExitCode}}' "$P-deaf")" "exit code of a container that ignored SIGTERM"
    # stop of a stopped container succeeds (304 from the daemon).
    dk_ok stop "$P-deaf"
    # --stop-signal is used by stop.
    dk_ok run -d "${NET[@]}" --stop-signal USR1 --name "$P-usr1" busybox \
        sh -c 'trap "echo got-USR1; exit 5" USR1; echo ready; while true; do sleep 0.1; done'
    wait_log "$P-usr1" ready
    assert_eq USR1 "$(ci '{{.Config.StopSignal}}' "$P-usr1")" "Config.StopSignal (kept as the client sent it)"
    dk_ok stop "$P-usr1"
    assert_eq 5 "$(ci '{{.State.ExitCode}}' "$P-usr1")" "stop with --stop-signal USR1"
    # kill -s delivers the named signal and the container keeps running.
    dk_ok run -d "${NET[@]}" --name "$P-kill" busybox \
        sh -c 'trap "echo got-HUP" HUP; echo ready; while true; do sleep 0.1; done'
    wait_log "$P-kill" ready
    dk_fails kill -s NOSUCHSIG "$P-kill"
    # moby/sys/signal says "invalid signal", older moby "Invalid signal".
    assert_icontains "$OUT" "invalid signal: NOSUCHSIG" "docker kill -s NOSUCHSIG"
    dk_ok kill -s HUP "$P-kill"
    wait_log "$P-kill" got-HUP 10
    assert_eq true "$(ci '{{.State.Running}}' "$P-kill")" "running after kill -s HUP"
    dk_ok kill "$P-kill"
    wait_status "$P-kill" exited
    assert_eq 137 "$(ci '{{.State.ExitCode}}' "$P-kill")" "exit code after docker kill"
    dk_fails kill "$P-kill"
    assert_contains "$OUT" "is not running" "docker kill of a stopped container"
    # rm of a running container needs -f.
    dk_ok run -d "${NET[@]}" --name "$P-rmrun" busybox sleep 300
    local id=$OUT
    dk_fails rm "$P-rmrun"
    assert_contains "$OUT" "cannot remove container \"/$P-rmrun\": container is running: stop the container before removing or force remove" \
        "rm of a running container"
    dk_ok rm -f "$P-rmrun"
    dk_fails container inspect "$id"
}

s_restart() {
    dk_ok run -d "${NET[@]}" --name "$P-rs" busybox sh -c 'echo started; sleep 300'
    local pid1 started1
    pid1=$(ci '{{.State.Pid}}' "$P-rs")
    started1=$(ci '{{.State.StartedAt}}' "$P-rs")
    dk_ok restart -t 1 "$P-rs"
    assert_eq running "$(ci '{{.State.Status}}' "$P-rs")" "status after docker restart"
    assert_ne "$pid1" "$(ci '{{.State.Pid}}' "$P-rs")" "a new Pid after restart"
    assert_ne "$started1" "$(ci '{{.State.StartedAt}}' "$P-rs")" "a new StartedAt after restart"
    assert_eq 0 "$(ci '{{.RestartCount}}' "$P-rs")" "RestartCount after a manual restart"
    wait_until 10 "two 'started' lines after restart" sh -c "[ \$(docker logs $P-rs | grep -c started) -eq 2 ]"
    # start of an exited container; start of a running one is fine (304).
    dk_ok stop -t 1 "$P-rs"
    dk_ok start "$P-rs"
    assert_eq running "$(ci '{{.State.Status}}' "$P-rs")" "status after docker start"
    dk_ok start "$P-rs"
}

s_pause() {
    need_route POST /v1.43/containers/x/pause pause
    dk_ok run -d "${NET[@]}" --name "$P-pz" busybox sleep 300
    local id=$OUT
    dk_ok pause "$P-pz"
    assert_eq paused "$(ci '{{.State.Status}}' "$P-pz")" "State.Status after pause"
    assert_eq true "$(ci '{{.State.Paused}}' "$P-pz")" "State.Paused after pause"
    assert_eq true "$(ci '{{.State.Running}}' "$P-pz")" "State.Running stays true while paused"
    dk_ok ps --filter "name=$P-pz" --format '{{.Status}}'
    assert_match "$OUT" '^Up .* \(Paused\)$' "ps Status of a paused container"
    dk_ok ps -q --filter status=paused
    assert_eq "${id:0:12}" "$OUT" "ps --filter status=paused"
    dk_fails exec "$P-pz" true
    # dockerd names the container as the client typed it.
    assert_icontains "$OUT" "Error response from daemon: Container $P-pz is paused, unpause the container before exec" \
        "exec into a paused container"
    dk_fails pause "$P-pz"
    assert_icontains "$OUT" "container $id is already paused" "pause of a paused container"
    dk_ok unpause "$P-pz"
    assert_eq false "$(ci '{{.State.Paused}}' "$P-pz")" "State.Paused after unpause"
    assert_eq running "$(ci '{{.State.Status}}' "$P-pz")" "State.Status after unpause"
    dk_fails unpause "$P-pz"
    assert_icontains "$OUT" "container $id is not paused" "unpause of a running container"
    # A paused container can be stopped.
    dk_ok pause "$P-pz"
    dk_ok stop -t 1 "$P-pz"
    assert_eq exited "$(ci '{{.State.Status}}' "$P-pz")" "stop of a paused container"
}

s_rename() {
    need_route POST /v1.43/containers/x/rename rename
    dk_ok run -d "${NET[@]}" --name "$P-old" busybox sleep 300
    local id=$OUT
    dk_ok rename "$P-old" "$P-new"
    assert_eq "/$P-new" "$(ci '{{.Name}}' "$id")" "Name after rename"
    dk_fails container inspect "$P-old"
    assert_contains "$OUT" "No such container: $P-old" "the old name after rename"
    dk_ok create "${NET[@]}" --name "$P-other" busybox true
    dk_fails rename "$P-other" "$P-new"
    assert_contains "$OUT" "Conflict. The container name \"/$P-new\" is already in use by container \"$id\"" \
        "rename to a name in use"
    # The old name is free again.
    dk_ok create "${NET[@]}" --name "$P-old" busybox true
}

s_wait() {
    dk_ok run -d "${NET[@]}" --name "$P-w" busybox sh -c 'sleep 1; exit 5'
    dk_ok wait "$P-w"
    assert_eq 5 "$OUT" "docker wait prints the exit code"
    dk_ok wait "$P-w"
    assert_eq 5 "$OUT" "docker wait on an exited container"
}

s_logs() {
    dk_ok run -d "${NET[@]}" --name "$P-log" busybox \
        sh -c 'for i in 1 2 3 4 5; do echo line$i; done; echo err1 >&2; sleep 300'
    wait_log "$P-log" err1
    dk_ok logs "$P-log"
    assert_eq "line1
line2
line3
line4
line5
err1" "$OUT" "docker logs (stdout and stderr)"
    local so se
    so=$(docker logs "$P-log" 2>/dev/null)
    se=$(docker logs "$P-log" 2>&1 >/dev/null)
    assert_eq "err1" "$se" "docker logs: stderr lines go to stderr"
    assert_not_contains "$so" "err1" "docker logs: stdout has no stderr lines"
    dk_ok logs --tail 2 "$P-log"
    assert_eq "line5
err1" "$OUT" "docker logs --tail 2"
    dk_ok logs --tail 0 "$P-log"
    assert_eq "" "$OUT" "docker logs --tail 0"
    dk_ok logs -t "$P-log"
    assert_match "$(head -1 <<<"$OUT")" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z line1$' \
        "docker logs -t (RFC3339Nano stamp)"
    # dockerd prints every stamp with 9 fraction digits (RFC3339NanoFixed).
    local badstamp
    badstamp=$(grep -Ev '^[0-9-]{10}T[0-9:]{8}\.[0-9]{9}Z ' <<<"$OUT" || true)
    assert_eq "" "$badstamp" "docker logs -t lines whose stamp lacks 9 fraction digits"
    # dockerd stamps each line as it splits it off (time.Now per line), so
    # no two lines share a stamp and --since <stamp of line3> starts there.
    assert_eq 6 "$(cut -d' ' -f1 <<<"$OUT" | sort -u | wc -l)" "distinct stamps of 6 log lines"
    local ts3
    ts3=$(sed -n 3p <<<"$OUT" | cut -d' ' -f1)
    dk_ok logs --since "$ts3" "$P-log"
    assert_eq "line3" "$(head -1 <<<"$OUT")" "docker logs --since <stamp of line3> starts at line3"
    dk_ok logs --since 2099-01-01T00:00:00Z "$P-log"
    assert_eq "" "$OUT" "docker logs --since a future time"
    dk_ok logs --until 2000-01-01T00:00:00Z "$P-log"
    assert_eq "" "$OUT" "docker logs --until a past time"
    # -f follows until the container exits.
    dk_ok run -d "${NET[@]}" --name "$P-logf" busybox \
        sh -c 'echo before; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo after'
    timeout 60 docker logs -f "$P-logf" >"$T/logf.out" 2>&1 &
    local lp=$!
    bg_track $lp
    wait_until 20 "logs -f prints 'before'" grep -q before "$T/logf.out"
    docker exec "$P-logf" touch /tmp/go >/dev/null 2>&1 || docker kill "$P-logf" >/dev/null
    local rc=0
    wait $lp || rc=$?
    assert_eq 0 "$rc" "docker logs -f exits 0 when the container stops"
    assert_eq "before
after" "$(cat "$T/logf.out")" "docker logs -f output"
}

s_exec() {
    need_route POST /v1.43/containers/x/exec exec
    dk_ok run -d "${NET[@]}" --name "$P-ex" busybox sleep 300
    dk_ok exec "$P-ex" echo hello
    assert_eq hello "$OUT" "docker exec echo"
    dk exec "$P-ex" sh -c 'exit 7'
    assert_eq 7 "$RC" "docker exec exit status"
    dk_ok exec -e FOO=bar -u 1000:1000 -w /tmp "$P-ex" sh -c 'echo $FOO $(id -u):$(id -g) $(pwd)'
    assert_eq "bar 1000:1000 /tmp" "$OUT" "docker exec -e -u -w"
    dk_ok exec -d "$P-ex" sh -c 'echo detached > /tmp/exec-d'
    assert_eq "" "$OUT" "docker exec -d prints nothing"
    wait_until 10 "exec -d to write /tmp/exec-d" docker exec "$P-ex" test -f /tmp/exec-d
    dk_ok exec "$P-ex" cat /tmp/exec-d
    assert_eq detached "$OUT" "file written by exec -d"
    dk exec "$P-ex" nosuchcmd
    assert_ne 0 "$RC" "docker exec of a missing command: exit status"
    assert_contains "$OUT" "executable file not found in \$PATH" "docker exec of a missing command"
    local out
    out=$(echo piped | docker exec -i "$P-ex" cat) || fail "docker exec -i with piped stdin failed"
    assert_eq piped "$out" "docker exec -i stdin"
    dk_ok stop -t 1 "$P-ex"
    dk_fails exec "$P-ex" true
    assert_contains "$OUT" "is not running" "exec into a stopped container"
}

s_top_stats() {
    need_route GET /v1.43/containers/x/top top
    dk_ok run -d "${NET[@]}" --name "$P-ts" busybox sleep 300
    dk_ok top "$P-ts"
    assert_match "$(head -1 <<<"$OUT")" '^UID +PID +PPID +C +STIME +TTY +TIME +CMD' "docker top header"
    assert_contains "$OUT" "sleep 300" "docker top lists the process"
    need_route GET /v1.43/containers/x/stats stats
    dk_ok stats --no-stream --format '{{.Name}}|{{.PIDs}}|{{.MemUsage}}' "$P-ts"
    assert_match "$OUT" "^$P-ts\|1\|[0-9.]+[KMG]?i?B / [0-9.]+[KMGT]i?B$" "docker stats --no-stream"
}

s_attach() {
    # stdin through run -i, half-close ends it.
    local out
    out=$(echo through-stdin | docker run -i --rm "${NET[@]}" busybox cat) || fail "echo | docker run -i cat failed"
    assert_eq through-stdin "$out" "docker run -i stdin"
    need_route POST /v1.43/containers/x/attach attach
    dk_ok run -d "${NET[@]}" --name "$P-at" busybox sh -c 'while true; do echo tick; sleep 0.2; done'
    docker attach --no-stdin "$P-at" >"$T/attach.out" 2>&1 &
    local ap=$!
    bg_track $ap
    wait_until 20 "docker attach to show 'tick'" grep -q tick "$T/attach.out"
    kill -KILL $ap 2>/dev/null || true
    wait $ap 2>/dev/null || true
    assert_eq true "$(ci '{{.State.Running}}' "$P-at")" "the container after its attach client went away"
    # attach returns the container's exit code when it ends.
    # It prints until the test has seen the attach deliver output, so the
    # exit happens while attached.
    dk_ok run -d "${NET[@]}" --name "$P-at2" busybox \
        sh -c 'while [ ! -f /tmp/go ]; do echo waiting; sleep 0.1; done; echo bye; exit 4'
    docker attach --no-stdin "$P-at2" >"$T/attach2.out" 2>&1 &
    ap=$!
    bg_track $ap
    wait_until 20 "docker attach to show 'waiting'" grep -q waiting "$T/attach2.out"
    docker exec "$P-at2" touch /tmp/go >/dev/null 2>&1 || fail "exec touch /tmp/go"
    local rc=0
    wait $ap || rc=$?
    assert_eq 4 "$rc" "docker attach exit status is the container's"
    assert_eq bye "$(tail -1 "$T/attach2.out")" "docker attach output ends with the container's last line"
}

s_run_flags() {
    unset B
    printf 'FROMFILE=yes\n# a comment\nSPACED=a b\n' >"$T/env.list"
    dk_ok run --rm "${NET[@]}" -e A=1 -e B --env-file "$T/env.list" -w /srv/work -u 1000:100 \
        busybox sh -c 'echo "$A|${B-unset}|$FROMFILE|$SPACED|$(pwd)|$(id -u):$(id -g)|$HOME|$PATH"'
    assert_eq "1|unset|yes|a b|/srv/work|1000:100|/|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$OUT" \
        "env, --env-file, -w (created), -u"
    dk_ok run --rm "${NET[@]}" --entrypoint echo busybox from-entrypoint
    assert_eq from-entrypoint "$OUT" "--entrypoint echo (image CMD dropped)"
    dk_ok run --rm "${NET[@]}" --entrypoint '' busybox echo empty-entrypoint
    assert_eq empty-entrypoint "$OUT" "--entrypoint ''"
    dk_ok run --rm "${NET[@]}" -u nobody busybox id -un
    assert_eq nobody "$OUT" "-u by name (from the image's /etc/passwd)"
    dk run --rm "${NET[@]}" -u nosuchuser busybox true
    assert_eq 125 "$RC" "-u of an unknown user (exit status, output: $OUT)"
    assert_contains "$OUT" "unable to find user nosuchuser: no matching entries in passwd file" "-u of an unknown user"
    dk_ok create "${NET[@]}" -l tier=web -l owner --name "$P-lbl" busybox true
    assert_eq web "$(ci '{{index .Config.Labels "tier"}}' "$P-lbl")" "-l tier=web"
    assert_eq "" "$(ci '{{index .Config.Labels "owner"}}' "$P-lbl")" "-l owner (empty value)"
    dk_ok ps -a -q --filter label=tier=web
    assert_eq "$(ci '{{.Id}}' "$P-lbl" | cut -c1-12)" "$OUT" "ps --filter label=tier=web"
    dk_ok run --rm "${NET[@]}" -h myhost busybox hostname
    assert_eq myhost "$OUT" "-h sets the hostname"
    dk_ok run --rm "${NET[@]}" --init busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "'
    assert_contains "$OUT" "/sbin/docker-init -- sh" "--init makes docker-init PID 1"
}

s_bind_mounts() {
    mkdir -p "$T/bind"
    echo from-host >"$T/bind/in"
    dk_ok run --rm "${NET[@]}" -v "$T/bind:/data" busybox sh -c 'cat /data/in; echo from-ctr > /data/out'
    assert_eq from-host "$OUT" "a bind mount shows the host file"
    assert_eq from-ctr "$(cat "$T/bind/out")" "a write through a bind mount reaches the host"
    dk run --rm "${NET[@]}" -v "$T/bind:/data:ro" busybox sh -c 'echo x > /data/ro'
    assert_ne 0 "$RC" "write to a :ro bind mount"
    assert_contains "$OUT" "Read-only file system" "write to a :ro bind mount"
    dk_ok run -d "${NET[@]}" --name "$P-bm" -v "$T/bind:/data:ro" busybox sleep 300
    dk_ok container inspect --format '{{range .Mounts}}{{.Type}}|{{.Source}}|{{.Destination}}|{{.RW}}{{end}}' "$P-bm"
    assert_eq "bind|$T/bind|/data|false" "$OUT" "inspect Mounts of a :ro bind"
    # -v creates a missing host directory (--mount does not).
    dk_ok run --rm "${NET[@]}" -v "$T/created-by-v:/c" busybox true
    [ -d "$T/created-by-v" ] || fail "-v with a missing host path: the directory was not created"
    dk run --rm "${NET[@]}" --mount "type=bind,source=$T/missing,target=/m" busybox true
    assert_contains "$OUT" "invalid mount config for type \"bind\": bind source path does not exist: $T/missing" \
        "--mount of a missing host path"
    assert_eq 125 "$RC" "docker run --mount of a missing host path: exit status"
}

s_volumes() {
    need_route GET /v1.43/volumes volumes
    dk_ok volume create "$P-vol"
    assert_eq "$P-vol" "$OUT" "docker volume create prints the name"
    dk_ok volume ls -q
    assert_contains "$OUT" "$P-vol" "docker volume ls"
    dk_ok volume inspect --format '{{.Driver}}|{{.Scope}}|{{.Mountpoint}}' "$P-vol"
    assert_eq "local|local|$T/data/volumes/$P-vol/_data" "$OUT" "docker volume inspect"
    dk_ok run --rm "${NET[@]}" -v "$P-vol:/v" busybox sh -c 'echo kept > /v/f'
    dk_ok run --rm "${NET[@]}" -v "$P-vol:/v" busybox cat /v/f
    assert_eq kept "$OUT" "a named volume keeps data across containers"
    # A volume named only in -v is created on the fly.
    dk_ok run "${NET[@]}" --name "$P-vuser" -v "$P-auto:/a" busybox true
    dk_ok volume inspect --format '{{.Name}}' "$P-auto"
    dk_fails volume rm "$P-auto"
    assert_contains "$OUT" "volume is in use" "volume rm of a volume a container uses"
    dk_ok rm "$P-vuser"
    dk_ok volume rm "$P-auto"
    dk_fails volume inspect "$P-auto"
    assert_contains "$OUT" "no such volume" "volume inspect after rm"
    # Anonymous volume from -v /path: a 64-hex name, removed by rm -v.
    dk_ok run "${NET[@]}" --name "$P-anon" -v /anon busybox sh -c 'echo a > /anon/f'
    local vname
    vname=$(ci '{{range .Mounts}}{{.Name}}{{end}}' "$P-anon")
    assert_match "$vname" '^[0-9a-f]{64}$' "anonymous volume name"
    assert_eq volume "$(ci '{{range .Mounts}}{{.Type}}{{end}}' "$P-anon")" "anonymous volume Mount.Type"
    dk_ok rm -v "$P-anon"
    dk_fails volume inspect "$vname"
    # prune removes unused anonymous volumes, keeps named ones.
    dk_ok run "${NET[@]}" --name "$P-anon2" -v /anon busybox true
    vname=$(ci '{{range .Mounts}}{{.Name}}{{end}}' "$P-anon2")
    dk_ok rm "$P-anon2"
    dk_ok volume prune -f
    assert_contains "$OUT" "$vname" "volume prune lists the anonymous volume"
    dk_fails volume inspect "$vname"
    dk_ok volume inspect "$P-vol"
    dk_ok volume rm "$P-vol"
}

s_image_volume() {
    # VOLUME in the image config (set through commit --change) gives each
    # container an anonymous volume holding the image's content there.
    dk_ok run "${NET[@]}" --name "$P-vsrc" busybox sh -c 'mkdir -p /data && echo seeded > /data/seed'
    need_route POST /v1.43/commit commit
    dk_ok commit --change 'VOLUME /data' "$P-vsrc" "$P-vimg:1"
    dk_ok run "${NET[@]}" --name "$P-vimg-c" "$P-vimg:1" cat /data/seed
    assert_eq seeded "$OUT" "an image VOLUME is seeded from the image"
    assert_match "$(ci '{{range .Mounts}}{{.Name}}{{end}}' "$P-vimg-c")" '^[0-9a-f]{64}$' \
        "an image VOLUME becomes an anonymous volume"
}

s_cp() {
    need_route GET "/v1.43/containers/x/archive?path=/" cp
    dk_ok run -d "${NET[@]}" --name "$P-cp" busybox sleep 300
    local id=$OUT
    echo copied-in >"$T/cp-in"
    dk_ok cp "$T/cp-in" "$P-cp:/tmp/"
    dk_ok exec "$P-cp" cat /tmp/cp-in
    assert_eq copied-in "$OUT" "docker cp host -> container"
    dk_ok cp "$T/cp-in" "$P-cp:/tmp/renamed"
    dk_ok exec "$P-cp" cat /tmp/renamed
    assert_eq copied-in "$OUT" "docker cp host -> container under a new name"
    dk_ok cp "$P-cp:/tmp/renamed" "$T/cp-out"
    assert_eq copied-in "$(cat "$T/cp-out")" "docker cp container -> host"
    dk_ok exec "$P-cp" sh -c 'mkdir -p /tmp/d/sub && echo deep > /tmp/d/sub/f'
    dk_ok cp "$P-cp:/tmp/d" "$T/dir-out"
    assert_eq deep "$(cat "$T/dir-out/sub/f" 2>&1)" "docker cp of a directory"
    dk_fails cp "$P-cp:/nonexistent" "$T/x"
    assert_contains "$OUT" "Could not find the file /nonexistent in container $P-cp" "docker cp of a missing path"
    mkdir -p "$T/tarsrc"
    echo via-tar >"$T/tarsrc/from-tar"
    dk_ok cp - "$P-cp:/tmp" < <(tar -C "$T/tarsrc" -cf - from-tar)
    dk_ok exec "$P-cp" cat /tmp/from-tar
    assert_eq via-tar "$OUT" "docker cp - (a tar on stdin) into the container"
    dk_ok cp "$P-cp:/etc/hostname" "$T/hostname-out"
    assert_eq "${id:0:12}" "$(cat "$T/hostname-out")" "docker cp of /etc/hostname (the short ID)"
}

s_diff_commit_export() {
    dk_ok run "${NET[@]}" --name "$P-dce" busybox sh -c 'echo new > /tmp/newfile; rm /etc/group'
    need_route GET /v1.43/containers/x/changes diff
    dk_ok diff "$P-dce"
    assert_contains "$OUT" "A /tmp/newfile" "docker diff: added file"
    assert_contains "$OUT" "C /tmp" "docker diff: changed dir"
    assert_contains "$OUT" "D /etc/group" "docker diff: deleted file"
    need_route POST /v1.43/commit commit
    dk_ok commit -m "a message" "$P-dce" "$P-committed:v1"
    assert_match "$OUT" '^sha256:[0-9a-f]{64}$' "docker commit prints the image ID"
    dk_ok run --rm "${NET[@]}" "$P-committed:v1" sh -c 'cat /tmp/newfile; test -e /etc/group || echo no-group'
    assert_eq "new
no-group" "$OUT" "a container of the committed image"
    dk_ok image inspect --format '{{json .Config.Cmd}}' "$P-committed:v1"
    assert_eq '["sh","-c","echo new > /tmp/newfile; rm /etc/group"]' "$OUT" "committed image keeps the container's Cmd"
    need_route GET /v1.43/containers/x/export export
    dk_ok export -o "$T/export.tar" "$P-dce"
    local list
    list=$(tar -tf "$T/export.tar")
    assert_contains "$list" "tmp/newfile" "docker export holds the new file"
    assert_contains "$list" "bin/busybox" "docker export holds the image's files"
    assert_not_contains "$list" "etc/group" "docker export omits the deleted file"
}

section exit-codes s_exit_codes
section ids-and-names s_ids_names
section inspect s_inspect
section ps s_ps
section stop-kill s_stop_kill
section restart s_restart
section pause s_pause
section rename s_rename
section wait s_wait
section logs s_logs
section exec s_exec
section top-stats s_top_stats
section attach s_attach
section run-flags s_run_flags
section bind-mounts s_bind_mounts
section volumes s_volumes
section image-volume s_image_volume
section cp s_cp
section diff-commit-export s_diff_commit_export
sections_done
