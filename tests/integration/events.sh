#!/usr/bin/env bash
# events.sh — GET /events as the stock docker CLI uses it against berthd:
# past events between --since and --until in order and with dockerd's
# attributes, a live stream with --format, every filter kind, network,
# volume and image events, the 400 for an unknown filter, and `docker run`
# on API 1.24, which waits for the container's exit through /events.
# berthd runs in a network namespace of the test's own (network_lib.sh):
# the network events come from real bridge networks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

nt_setup
need_route GET /v1.43/events "events"
P=ev$$ # name prefix
NET=(--network none)

now() { date +%s.%N; }

# The events between two times (default output), one per line.
events_between() { # SINCE UNTIL [DOCKER-EVENTS-ARGS...]
    local since=$1 until=$2
    shift 2
    dk events --since "$since" --until "$until" "$@"
    assert_eq 0 "$RC" "docker events --since $since --until $until $* (output: $OUT)"
    printf '%s' "$OUT"
}

s_lifecycle_order() {
    local t0 id out actions
    t0=$(now)
    # PID 1 ignores SIGTERM without a handler: this one exits 143 on it.
    dk_ok create "${NET[@]}" --name "$P-life" --label tier=web busybox \
        sh -c 'trap "exit 143" TERM; while :; do sleep 0.1; done'

    id=$OUT
    dk_ok start "$P-life"
    dk_ok stop -t 5 "$P-life"
    dk_ok rm "$P-life"
    out=$(events_between "$t0" "$(now)" --filter "container=$id")
    actions=$(awk '{print $3}' <<<"$out" | tr '\n' ' ')
    assert_eq "create start kill die stop destroy " "$actions" "container actions in order (events:
$out)"
    local create
    create=$(grep " container create " <<<"$out")
    assert_contains "$create" " container create $id (image=busybox, name=$P-life, tier=web)" \
        "create line: actor ID and sorted attributes"
    assert_match "$create" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2}) ' \
        "the time stamp is RFC 3339 with nine digits"
    assert_contains "$(grep ' container kill ' <<<"$out")" "signal=15" "kill carries the signal"
    assert_contains "$(grep ' container die ' <<<"$out")" "exitCode=143" "die carries the exit code"
    # The same through --format '{{json .}}': the legacy fields too.
    dk_ok events --since "$t0" --until "$(now)" --filter "container=$id" --filter event=die --format '{{json .}}'
    local j=$OUT
    assert_eq die "$(json_eval 'd["status"]' <<<"$j")" "legacy status of a container event"
    assert_eq "$id" "$(json_eval 'd["id"]' <<<"$j")" "legacy id"
    assert_eq busybox "$(json_eval 'd["from"]' <<<"$j")" "legacy from (the image)"
    assert_eq local "$(json_eval 'd["scope"]' <<<"$j")" "scope"
    assert_eq web "$(json_eval 'd["Actor"]["Attributes"]["tier"]' <<<"$j")" "labels are attributes"
    dk_ok events --since "$t0" --until "$(now)" --filter "container=$id" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}' --filter event=start
    assert_eq "container start $P-life" "$OUT" "--format with fields"
}

s_live_stream() {
    local log=$T/live.log pid
    docker events --filter type=container --filter "container=$P-live" --format '{{json .}}' >"$log" 2>&1 &
    pid=$!
    bg_track "$pid"
    sleep 1 # the subscription is made when the request arrives
    dk_ok run -d "${NET[@]}" --name "$P-live" busybox sleep 300
    local id=$OUT
    wait_until 15 "a live start event for $P-live" grep -q '"Action":"start"' "$log"
    assert_contains "$(grep '"Action":"start"' "$log")" "\"id\":\"$id\"" "the live start event names the container"
    pid_alive "$pid" || fail "docker events (no --until) ended by itself: $(cat "$log")"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    # The daemon frees the subscription of a client that went away: events
    # still flow to a new one (and the old connection no longer counts).
    dk_ok rm -f "$P-live"
}

s_filters() {
    local t0 t1 id
    t0=$(now)
    dk_ok run "${NET[@]}" --name "$P-f1" --label color=blue busybox true
    id=$(ci '{{.Id}}' "$P-f1")
    dk_ok network create "$P-fnet"
    dk_ok volume create "$P-fvol"
    dk_ok tag busybox "$P-fimg:one"
    t1=$(now)
    local out
    out=$(events_between "$t0" "$t1" --filter type=network)
    assert_contains "$out" "network create" "type=network shows network events"
    assert_not_contains "$out" "container " "type=network leaves out containers"
    out=$(events_between "$t0" "$t1" --filter event=die)
    assert_eq 1 "$(grep -c . <<<"$out")" "event=die: one line ($out)"
    assert_contains "$out" "container die $id" "event=die"
    out=$(events_between "$t0" "$t1" --filter "container=$P-f1")
    assert_contains "$out" "container start $id" "container=<name>"
    assert_not_contains "$out" "network create" "container=<name> leaves out networks"
    out=$(events_between "$t0" "$t1" --filter "container=${id:0:12}" --filter event=create)
    assert_contains "$out" "container create $id" "container=<id prefix>"
    out=$(events_between "$t0" "$t1" --filter label=color=blue)
    assert_contains "$out" "container die $id" "label=key=value"
    out=$(events_between "$t0" "$t1" --filter label=color=red)
    assert_eq "" "$out" "label with another value matches nothing"
    out=$(events_between "$t0" "$t1" --filter label=color --filter event=start)
    assert_contains "$out" "container start $id" "label=key"
    out=$(events_between "$t0" "$t1" --filter image=busybox)
    assert_contains "$out" "container create $id" "image=busybox matches containers of busybox"
    assert_not_contains "$out" "image tag" "image=busybox leaves out a tag named otherwise (as dockerd)"
    out=$(events_between "$t0" "$t1" --filter "image=$(inspect '{{.Id}}' busybox)")
    assert_contains "$out" "image tag" "image=<ID> matches the image's tag event"
    out=$(events_between "$t0" "$t1" --filter "image=$P-fimg:one")
    assert_contains "$out" "(name=$P-fimg:one)" "image=<new tag> matches the tag event"
    assert_not_contains "$out" "container " "image=<new tag> leaves out busybox's containers"
    out=$(events_between "$t0" "$t1" --filter "volume=$P-fvol")
    assert_contains "$out" "volume create $P-fvol (driver=local)" "volume=<name>"
    out=$(events_between "$t0" "$t1" --filter "network=$P-fnet")
    assert_contains "$out" "network create" "network=<name>"
    assert_contains "$out" "name=$P-fnet" "network events carry the name"
    dk_ok rm "$P-f1"
    dk_ok network rm "$P-fnet"
    dk_ok volume rm "$P-fvol"
    dk_ok rmi "$P-fimg:one"
}

s_objects() {
    local t0 out netid cid
    t0=$(now)
    dk_ok network create "$P-net"
    netid=$(docker network inspect --format '{{.Id}}' "$P-net")
    # Running: a created container's connect is only recorded, not joined.
    dk_ok run -d --name "$P-obj" busybox sleep 300
    cid=$OUT
    dk_ok network connect "$P-net" "$P-obj"
    dk_ok network disconnect "$P-net" "$P-obj"
    dk_ok rm -f "$P-obj"
    dk_ok network rm "$P-net"
    dk_ok volume create "$P-vol"
    dk_ok volume rm "$P-vol"
    dk_ok tag busybox "$P-img:t1"
    dk_ok rmi "$P-img:t1"
    out=$(events_between "$t0" "$(now)")
    assert_contains "$out" "network create $netid (name=$P-net, type=bridge)" "network create"
    assert_contains "$out" "network connect $netid (container=$cid, name=$P-net, type=bridge)" "network connect"
    assert_contains "$out" "network disconnect $netid (container=$cid, name=$P-net, type=bridge)" "network disconnect"
    assert_contains "$out" "network destroy $netid (name=$P-net, type=bridge)" "network destroy"
    assert_contains "$out" "volume create $P-vol (driver=local)" "volume create"
    assert_contains "$out" "volume destroy $P-vol (driver=local)" "volume destroy"
    local imgid
    imgid=$(inspect '{{.Id}}' busybox)
    assert_contains "$out" "image tag $imgid (name=$P-img:t1)" "image tag"
    assert_contains "$out" "image untag $imgid" "image untag"
}

s_bad_filter() {
    api GET '/v1.43/events?filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D'
    assert_eq 400 "$HTTP_STATUS" "unknown filter status (body $HTTP_BODY)"
    assert_eq '{"message":"invalid filter '"'"'bogus'"'"'"}' "$HTTP_BODY" "unknown filter message"
    dk events --filter bogus=1 --until "$(now)"
    assert_ne 0 "$RC" "docker events --filter bogus=1 fails"
    assert_contains "$OUT" "invalid filter 'bogus'" "docker events --filter bogus=1 message"
}

s_run_api_124() {
    # Without version negotiation the CLI waits for the exit on /events.
    local out rc=0
    out=$(DOCKER_API_VERSION=1.24 timeout 60 docker run "${NET[@]}" --name "$P-old" busybox sh -c 'echo old; exit 7' 2>&1) || rc=$?
    assert_eq 7 "$rc" "docker run on API 1.24: exit status (output: $out)"
    assert_contains "$out" "old" "docker run on API 1.24: output"
    # Before API 1.25 the CLI removes the container itself once it sees
    # "die", and returns at "destroy": its own DELETE may then be cut short
    # ("context canceled"), as against dockerd.
    rc=0
    out=$(DOCKER_API_VERSION=1.24 timeout 60 docker run --rm "${NET[@]}" --name "$P-gone" busybox echo gone 2>&1) || rc=$?
    assert_eq 0 "$rc" "docker run --rm on API 1.24: exit status (output: $out)"
    assert_eq gone "$(head -1 <<<"$out")" "docker run --rm on API 1.24: output"
    wait_until 10 "$P-gone to be removed" bash -c "! docker container inspect $P-gone"
    dk_ok rm "$P-old"
}

s_berth_cli() {
    [ -x "${BERTH:-}" ] || skip "berth CLI not built"
    local t0 out
    t0=$(now)
    dk_ok volume create "$P-bvol"
    dk_ok volume rm "$P-bvol"
    out=$("$BERTH" -H "$HOST" events --since "$t0" --until "$(now)" --filter type=volume 2>&1) ||
        fail "berth events failed: $out"
    assert_contains "$out" "volume create $P-bvol (driver=local)" "berth events"
    assert_contains "$out" "volume destroy $P-bvol (driver=local)" "berth events"
    out=$("$BERTH" -H "$HOST" events --since "$t0" --until "$(now)" --filter type=volume \
        --format '{{.Type}}/{{.Action}}/{{.Actor.ID}}' 2>&1) || fail "berth events --format failed: $out"
    assert_eq "volume/create/$P-bvol
volume/destroy/$P-bvol" "$out" "berth events --format"
}

section lifecycle-order s_lifecycle_order
section live-stream s_live_stream
section filters s_filters
section objects s_objects
section bad-filter s_bad_filter
section run-api-1.24 s_run_api_124
section berth-cli s_berth_cli
sections_done
