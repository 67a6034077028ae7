# shellcheck shell=bash
# net-bench-lib.sh — what the networking benchmarks share, sourced by
# bench/net-throughput.sh, bench/net-endpoint.sh and
# bench/net-published-port.sh after container-bench-lib.sh:
#   net_init BUILD_DIR NAME  bench_init, plus the tools these need (ip,
#                            nsenter) and the namespace's clean-up
#   net_berthd               a network namespace of the benchmark's own
#                            (bnb-<pid>), berthd inside it (nsenter --net)
#                            with a daemon.json giving the default bridge
#                            10.203.0.1/16 and net-bridge the nft table
#                            berth_bench_<pid>; busybox:latest imported
#   nsx CMD...               CMD in the benchmark's network namespace
#   ctr_ip CTR [NET]         the container's address (on NET)
#   ctr_wall_us              a shell snippet printing the wall clock in
#                            microseconds inside a busybox container
#   mb_per_s MB SECONDS      MB / SECONDS, two decimals
#
# Isolation (the idea of tests/integration/network_lib.sh): every bridge,
# veth, nft table, published port and proxy lives in that namespace, so no
# traffic touches the host's interfaces and nothing leaves the machine.
# berthd enters only the network namespace, so its mounts stay visible to
# bench_cleanup. The EXIT trap runs bench_cleanup, then kills whatever is
# still in the namespace (berth-proxy processes are detached from berthd)
# and deletes it.

net_init() {
    bench_init "$@"
    local tool
    for tool in ip nsenter; do
        command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
    done
    net_ns=bnb-$$
    net_table=berth_bench_$$
    trap net_cleanup EXIT
}

net_cleanup() {
    bench_cleanup
    local p
    if [ -n "${net_ns:-}" ] && ip netns list 2>/dev/null | grep -qw "$net_ns"; then
        for p in $(ip netns pids "$net_ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$net_ns" 2>/dev/null
    fi
    true
}

nsx() { ip netns exec "$net_ns" "$@"; }

net_berthd() {
    ip netns add "$net_ns" || { echo "ip netns add $net_ns failed" >&2; exit 1; }
    nsx ip link set lo up
    cat >"$work/daemon.json" <<JSON
{
  "bip": "10.203.0.1/16",
  "plugin-config": {
    "net-bridge": { "nft_table": "$net_table" }
  }
}
JSON
    sock=$work/berth.sock
    nsenter --net="/run/netns/$net_ns" -- "$berthd" --config-file "$work/daemon.json" \
        --data-root "$work/data" --exec-root "$run_dir" -H "unix://$sock" >"$work/berthd.log" 2>&1 &
    berthd_pid=$!
    bench_pids+=("$berthd_pid")
    for _ in $(seq 150); do curl -sf --max-time 1 --unix-socket "$sock" http://berth/_ping >/dev/null && break; sleep 0.1; done
    curl -sf --max-time 1 --unix-socket "$sock" http://berth/_ping >/dev/null ||
        { echo "berthd did not start; its log:" >&2; tail -20 "$work/berthd.log" >&2; exit 1; }
    export DOCKER_CONFIG=$work/docker-config
    mkdir -p "$DOCKER_CONFIG"
    bash "$root/scripts/lib/busybox-rootfs.sh" "$work/busybox.tar"
    curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$work/busybox.tar" \
        "http://berth/images/create?fromSrc=-&repo=busybox&tag=latest&changes=CMD%20%5B%22sh%22%5D&changes=ENV%20PATH%3D%2Fusr%2Fsbin%3A%2Fusr%2Fbin%3A%2Fsbin%3A%2Fbin" \
        >/dev/null || { echo "importing busybox failed" >&2; exit 1; }
    if "$berth" run --help >/dev/null 2>&1 && "$berth" network --help >/dev/null 2>&1; then
        CLI_NAME=berth
    else
        CLI_NAME=docker
    fi
}

ctr_ip() { # CTR [NET]
    if [ -n "${2:-}" ]; then
        docker -H "unix://$sock" inspect -f "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"
    else
        docker -H "unix://$sock" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"
    fi
}

# busybox's date has no %N; adjtimex (a read: no capability needed) gives
# the wall clock's seconds and microseconds.
# shellcheck disable=SC2016
ctr_wall_us='adjtimex | awk '\''/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%d%06d\n", s, u }'\'''

mb_per_s() { awk -v m="$1" -v s="$2" 'BEGIN { printf "%.2f", (s > 0 ? m / s : 0) }'; }
