#!/usr/bin/env bash
# bench/net-endpoint.sh — what a container's network endpoint costs at
# start: `run -d busybox sleep` on a user network against the same with
# `--network none`, medians and the difference; then berthd's own start
# request through the raw API (curl's time_total) for both modes.
#
#   user  `run -d --network benchnet`: IPAM address, veth pair, the move
#         into the container's namespace, addresses and routes, the
#         embedded DNS listener, /etc/hosts and resolv.conf, the record
#   none  `run -d --network none`: loopback only
# Each container is removed (rm -f, untimed) before the next run. The API
# half creates each container (untimed), times POST /containers/{id}/start
# and removes it again.
# Each case: 2 warm-up runs, then RUNS (default 9) timed runs, alternating.
# Prints each sample, the medians and spreads, and the differences.
# Asserts nothing.
#
#   bench/net-endpoint.sh [BUILD_DIR]        (default: build)
#   RUNS=15 bench/net-endpoint.sh build
# Needs root, runc, the docker CLI, curl, python3, ip, nsenter. Everything
# runs in a network namespace of the benchmark's own (net-bench-lib.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/net-bench-lib.sh"
net_init "${1:-}" net-endpoint
runs=${RUNS:-9}

echo "== berthd in namespace $net_ns, busybox"
net_berthd
echo "   client: $CLI_NAME CLI"
seconds cli network create benchnet >/dev/null

results=$work/results
: >"$results"
run_one() { # NET
    local t
    t=$(seconds cli run -d --name ep --network "$1" busybox sleep 3600)
    seconds cli rm -f ep >/dev/null
    echo "$t"
}
for i in 1 2; do
    run_one benchnet >/dev/null
    run_one none >/dev/null
done
for i in $(seq 1 "$runs"); do
    u=$(run_one benchnet)
    n=$(run_one none)
    echo "user $u" >>"$results"
    echo "none $n" >>"$results"
    echo "   run $i: user ${u}s  none ${n}s"
done

# start NET — create through the API (untimed), time the start, remove.
api=$work/api
: >"$api"
api_start() {
    local net=$1 id out
    id=$(curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"3600\"],\"HostConfig\":{\"NetworkMode\":\"$net\"}}" \
        http://berth/v1.43/containers/create | python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
    out=$(curl -s --unix-socket "$sock" -X POST -o "$work/start-body" -w '%{http_code} %{time_total}' \
        "http://berth/v1.43/containers/$id/start")
    case "${out%% *}" in 2*) ;; *) echo "start ($net): HTTP ${out%% *}: $(cat "$work/start-body")" >&2; exit 1 ;; esac
    curl -sf --unix-socket "$sock" -X DELETE "http://berth/v1.43/containers/$id?force=1" >/dev/null
    awk -v t="${out#* }" 'BEGIN { printf "%.4f\n", t }'
}
api_start benchnet >/dev/null
api_start none >/dev/null
for i in $(seq 1 "$runs"); do
    echo "start-user $(api_start benchnet)" >>"$api"
    echo "start-none $(api_start none)" >>"$api"
done

col() { awk -v t="$1" '$1 == t { print $2 }' "$2"; }
echo "== medians of $runs runs ($(nproc) CPUs, $(uname -r), $(runc --version | head -1))"
printf '   %-22s %9s %17s\n' case median spread
for t in user none; do
    printf '   %-22s %8.3fs %17s\n' "run -d ($t)" "$(col $t "$results" | median)" "$(col $t "$results" | spread)"
done
for t in start-user start-none; do
    printf '   %-22s %8.3fs %17s\n' "API $t" "$(col $t "$api" | median)" "$(col $t "$api" | spread)"
done
u=$(col user "$results" | median)
n=$(col none "$results" | median)
su=$(col start-user "$api" | median)
sn=$(col start-none "$api" | median)
echo "   endpoint cost, run -d: $(awk -v a="$u" -v b="$n" 'BEGIN { printf "%.3f", a - b }') s" \
    "(user - none of the medians)"
echo "   endpoint cost, API start: $(awk -v a="$su" -v b="$sn" 'BEGIN { printf "%.3f", a - b }') s"
echo "== raw samples"
cat "$results" "$api"
