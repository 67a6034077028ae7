#!/usr/bin/env bash
# bench/net-throughput.sh — container-to-container TCP throughput over a
# user bridge network against TCP throughput over loopback inside one
# namespace, as medians and a ratio.
#
#   bridge    container tx sends MB MiB to container rx on a user network
#             (`network create benchnet`): veth, bridge, veth
#   loopback  the same transfer inside container tx, to 127.0.0.1: the same
#             tools, the same cgroup, no bridge
# The tool is iperf3 when it is installed on the host (run in the
# benchmark's namespace and in the containers' namespaces through nsenter);
# otherwise busybox nc: the receiver (`nc -l | wc -c`) counts the bytes,
# the sender (`dd if=/dev/zero bs=1M count=MB | nc`) is timed from before
# dd to its nc's exit, which comes only after the receiver has read the
# last byte and closed (busybox nc exits on the peer's EOF). The wall clock
# inside the container comes from adjtimex (busybox's date has no %N). A
# run whose receiver did not count MB MiB is reported and left out.
# busybox nc moves data through a small buffer, so it measures the path's
# cost per call as much as the link: compare the ratio, not the MB/s, with
# iperf3 numbers from elsewhere.
# Each case: 1 warm-up run, then RUNS (default 5) timed runs. Prints each
# sample, the medians and spreads, and the ratio. Asserts nothing.
#
#   bench/net-throughput.sh [BUILD_DIR]        (default: build)
#   RUNS=9 MB=500 bench/net-throughput.sh build
# Needs root, runc, the docker CLI, curl, python3, ip, nsenter. Everything
# runs in a network namespace of the benchmark's own (net-bench-lib.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/net-bench-lib.sh"
net_init "${1:-}" net-throughput
runs=${RUNS:-5}
mb=${MB:-200}
port=5201

echo "== berthd in namespace $net_ns, busybox"
net_berthd
echo "   client: $CLI_NAME CLI"
seconds cli network create benchnet >/dev/null
seconds cli run -d --name rx --network benchnet busybox sleep 3600 >/dev/null
seconds cli run -d --name tx --network benchnet busybox sleep 3600 >/dev/null
rx_ip=$(ctr_ip rx benchnet)
echo "   rx on benchnet: $rx_ip"

tool=nc
command -v iperf3 >/dev/null && tool=iperf3
echo "   tool: $tool"

ctr_pid() { docker -H "unix://$sock" inspect -f '{{.State.Pid}}' "$1"; }

# One transfer: prints "seconds" of the sender, or "bad <bytes>".
# xfer_nc RX_CTR TX_CTR DEST_IP
xfer_nc() {
    local rx=$1 tx=$2 dst=$3 out bytes
    # The receiver's stdin is a FIFO it holds open itself, so it never sees
    # EOF there (busybox nc would half-close at once and the sender would
    # stop early); it exits at the sender's EOF.
    docker -H "unix://$sock" exec "$rx" sh -c \
        "rm -f /tmp/hold; mkfifo /tmp/hold; nc -l -p $port <>/tmp/hold | wc -c" >"$work/rx.out" 2>&1 &
    local rxp=$!
    for _ in $(seq 100); do
        docker -H "unix://$sock" exec "$rx" netstat -ltn 2>/dev/null | grep -q ":$port " && break
        sleep 0.05
    done
    out=$(docker -H "unix://$sock" exec "$tx" sh -c \
        "t0=\$($ctr_wall_us); dd if=/dev/zero bs=1048576 count=$mb 2>/dev/null | nc $dst $port >/dev/null; t1=\$($ctr_wall_us); echo \$((t1 - t0))")
    wait "$rxp" || true
    bytes=$(tr -d ' \r\n' <"$work/rx.out")
    if [ "$bytes" != $((mb * 1048576)) ]; then
        echo "bad $bytes"
        return
    fi
    awk -v u="$out" 'BEGIN { printf "%.4f\n", u / 1e6 }'
}

# iperf3 from the host's binary inside the containers' network namespaces.
xfer_iperf3() {
    local rx=$1 tx=$2 dst=$3 bits
    nsenter --net="/proc/$(ctr_pid "$rx")/ns/net" -- iperf3 -s -1 -p $port >/dev/null 2>&1 &
    local rxp=$!
    sleep 0.3
    bits=$(nsenter --net="/proc/$(ctr_pid "$tx")/ns/net" -- iperf3 -c "$dst" -p $port -n "${mb}M" -J |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
    wait "$rxp" || true
    # seconds for MB MiB at that rate, so both tools report alike
    awk -v b="$bits" -v m="$mb" 'BEGIN { printf "%.4f\n", m * 8388608 / b }'
}

xfer() { "xfer_$tool" "$@"; }

results=$work/results
: >"$results"
xfer rx tx "$rx_ip" >/dev/null # warm-up
xfer tx tx 127.0.0.1 >/dev/null
for i in $(seq 1 "$runs"); do
    b=$(xfer rx tx "$rx_ip")
    l=$(xfer tx tx 127.0.0.1)
    line="   run $i:"
    for pair in "bridge $b" "loopback $l"; do
        # shellcheck disable=SC2086
        set -- $pair
        if [ "$2" == bad ]; then
            line+="  $1 short transfer (${3:-0} bytes): left out"
        else
            echo "$1 $2" >>"$results"
            line+="  $1 ${2}s ($(mb_per_s "$mb" "$2") MB/s)"
        fi
    done
    echo "$line"
done

echo "== medians of $runs runs, $mb MiB each ($(nproc) CPUs, $(uname -r), $tool)"
printf '   %-10s %9s %17s %12s\n' path median spread MB/s
for t in bridge loopback; do
    m=$(awk -v t=$t '$1 == t { print $2 }' "$results" | median)
    printf '   %-10s %8.3fs %17s %12s\n' "$t" "$m" "$(awk -v t=$t '$1 == t { print $2 }' "$results" | spread)" \
        "$(mb_per_s "$mb" "$m")"
done
b=$(awk '$1 == "bridge" { print $2 }' "$results" | median)
l=$(awk '$1 == "loopback" { print $2 }' "$results" | median)
echo "   throughput ratio bridge/loopback: $(awk -v a="$l" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
echo "== raw samples"
cat "$results"
