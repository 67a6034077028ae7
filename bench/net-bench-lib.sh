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
    BENCH_LAUNCH=(nsenter --net="/run/netns/$net_ns" --)
    bench_berthd --config-file "$work/daemon.json"
    # bench_berthd chose the CLI by container commands; these need network ones too.
    "$berth" network --help >/dev/null 2>&1 || CLI_NAME=docker
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
