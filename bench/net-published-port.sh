#!/usr/bin/env bash
# bench/net-published-port.sh — TCP throughput into a container through a
# published port (-p) against the container's own address, as medians and
# ratios.
#
#   proxy   to 127.0.0.1:<host port> in the benchmark's namespace: the
#           output chain leaves 127.0.0.0/8 alone, so berth-proxy (the
#           userland proxy) carries it
#   dnat    to the default bridge's gateway address (10.203.0.1) and the
#           host port: the nat output chain DNATs it to the container
#   direct  to the container's address and port: no NAT, no proxy
#   docker-proxy  dockerd's userland proxy on 127.0.0.1, when dockerd is
#           installed and runs on its default socket with a busybox image;
#           otherwise named as skipped. (That one uses the host's own
#           loopback, outside the benchmark's namespace, and nothing else.)
# The container (on the default bridge, -p 5301:5301) counts the bytes with
# `nc -l | wc -c`; the sender is the host's busybox nc in the benchmark's
# namespace, `dd if=/dev/zero bs=1M count=MB | busybox nc`, timed with date
# +%s%N from before dd to nc's exit, which comes after the receiver read the
# last byte and closed. A short transfer is reported and left out. busybox
# nc moves data through a small buffer: compare the ratios, not the MB/s.
# Each case: 1 warm-up run, then RUNS (default 5) timed runs. Prints each
# sample, the medians and spreads, and the ratios. Asserts nothing.
#
#   bench/net-published-port.sh [BUILD_DIR]        (default: build)
#   RUNS=9 MB=500 bench/net-published-port.sh build
# Needs root, runc, the docker CLI, curl, python3, ip, nsenter, busybox.
# berthd and its traffic stay in a network namespace of the benchmark's
# own (net-bench-lib.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/net-bench-lib.sh"
net_init "${1:-}" net-port
command -v busybox >/dev/null || { echo "needs busybox (the sender's nc)" >&2; exit 2; }
runs=${RUNS:-5}
mb=${MB:-200}
port=5301
gw=10.203.0.1

echo "== berthd in namespace $net_ns, busybox"
net_berthd
echo "   client: $CLI_NAME CLI"
seconds cli run -d --name srv -p $port:$port busybox sleep 3600 >/dev/null
ctr=$(ctr_ip srv bridge)
echo "   srv on the default bridge: $ctr, published $port/tcp"

have_dockerd=0
dsock=unix:///var/run/docker.sock
if command -v dockerd >/dev/null && docker -H "$dsock" image inspect busybox >/dev/null 2>&1; then
    have_dockerd=1
fi

# xfer DOCKER_HOST CTR WHERE DEST_IP DEST_PORT — one transfer; prints the
# sender's seconds or "bad <bytes>". WHERE: ns (the benchmark's namespace)
# or host.
xfer() {
    local h=$1 c=$2 where=$3 dst=$4 dport=$5 ns bytes
    docker -H "$h" exec "$c" sh -c \
        "rm -f /tmp/hold; mkfifo /tmp/hold; nc -l -p $port <>/tmp/hold | wc -c" >"$work/rx.out" 2>&1 &
    local rxp=$!
    for _ in $(seq 100); do
        docker -H "$h" exec "$c" netstat -ltn 2>/dev/null | grep -q ":$port " && break
        sleep 0.05
    done
    local cmd="t0=\$(date +%s%N); dd if=/dev/zero bs=1048576 count=$mb 2>/dev/null | timeout 120 busybox nc $dst $dport >/dev/null; t1=\$(date +%s%N); echo \$((t1 - t0))"
    if [ "$where" == ns ]; then
        ns=$(nsx sh -c "$cmd")
    else
        ns=$(sh -c "$cmd")
    fi
    wait "$rxp" || true
    bytes=$(tr -d ' \r\n' <"$work/rx.out")
    if [ "$bytes" != $((mb * 1048576)) ]; then
        echo "bad $bytes"
        return
    fi
    awk -v n="$ns" 'BEGIN { printf "%.4f\n", n / 1e9 }'
}

berth_h=unix://$sock
cases=("proxy $berth_h srv ns 127.0.0.1 $port" "dnat $berth_h srv ns $gw $port" "direct $berth_h srv ns $ctr $port")
if [ $have_dockerd -eq 1 ]; then
    dname=berth-bench-srv-$$
    docker -H "$dsock" run -d --name "$dname" -p "127.0.0.1::$port" busybox sleep 3600 >/dev/null
    dport=$(docker -H "$dsock" port "$dname" $port/tcp | head -1 | sed 's/.*://')
    cases+=("docker-proxy $dsock $dname host 127.0.0.1 $dport")
    # shellcheck disable=SC2064
    trap "docker -H '$dsock' rm -f '$dname' >/dev/null 2>&1; net_cleanup" EXIT
fi

results=$work/results
: >"$results"
for c in "${cases[@]}"; do # warm-up
    # shellcheck disable=SC2086
    xfer ${c#* } >/dev/null
done
for i in $(seq 1 "$runs"); do
    line="   run $i:"
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2046,SC2086
        set -- $(xfer ${c#* })
        if [ "$1" == bad ]; then
            line+="  ${c%% *} short transfer (${2:-0} bytes): left out"
        else
            echo "${c%% *} $1" >>"$results"
            line+="  ${c%% *} ${1}s"
        fi
    done
    echo "$line"
done

col() { awk -v t="$1" '$1 == t { print $2 }' "$results"; }
echo "== medians of $runs runs, $mb MiB each ($(nproc) CPUs, $(uname -r), busybox nc)"
printf '   %-13s %9s %17s %10s\n' path median spread MB/s
for t in proxy dnat direct docker-proxy; do
    if grep -q "^$t " "$results"; then
        m=$(col $t | median)
        printf '   %-13s %8.3fs %17s %10s\n' "$t" "$m" "$(col $t | spread)" "$(mb_per_s "$mb" "$m")"
    elif [ "$t" == docker-proxy ]; then
        echo "   docker-proxy  dockerd not installed or not running (or has no busybox image): skipped"
    fi
done
d=$(col direct | median)
for t in proxy dnat docker-proxy; do
    grep -q "^$t " "$results" || continue
    echo "   throughput ratio $t/direct: $(awk -v a="$d" -v b="$(col $t | median)" 'BEGIN { printf "%.2f", a / b }')"
done
if grep -q "^docker-proxy " "$results"; then
    echo "   throughput ratio proxy/docker-proxy:" \
        "$(awk -v a="$(col docker-proxy | median)" -v b="$(col proxy | median)" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "== raw samples"
cat "$results"
