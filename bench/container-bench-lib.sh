# shellcheck shell=bash
# container-bench-lib.sh — what the container benchmarks share, sourced by
# bench/run-vs-runc.sh and bench/container-memory.sh:
#   bench_init BUILD_DIR NAME  checks (root, tools), a work dir, the EXIT trap
#   bench_berthd               a berthd on a socket in the work dir, its
#                              data root on a fresh journaled ext4 (see
#                              bench_data_root), with busybox:latest
#                              imported (no internet)
#   cli ARGS...                `berth ARGS` when the berth CLI has container
#                              commands, else the stock docker CLI; CLI_NAME
#                              says which
#   median / spread            of numbers on stdin
#   seconds CMD...             CMD's wall time in seconds (quietly)
#   rss_kb PID                 VmRSS of PID in kB
# The clean-up removes every container of the benchmark's daemon, kills any
# berth-shim left for the work dir, stops berthd and unmounts the work dir
# and the exec root's tmpfs.

BENCH_LAUNCH=()

bench_init() {
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    build=${1:-$root/build}
    berthd=$build/bin/berthd
    berth=$build/bin/berth
    [ -x "$berthd" ] || { echo "build first: $berthd is missing" >&2; exit 2; }
    [ "$(id -u)" -eq 0 ] || { echo "needs root (containers)" >&2; exit 2; }
    local tool
    for tool in docker runc curl python3; do
        command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
    done
    work=$(mktemp -d "${WORK:-/var/tmp}/berth-bench-$2-XXXXXX")
    # The exec root holds <id>/shim.sock: a unix socket path must stay under
    # 108 bytes, so it gets a short directory of its own. It is a tmpfs, as
    # dockerd's and berthd's default exec root (/run/...) is on a Debian
    # host: bundles, pid files and sockets are runtime state, never on disk.
    # (Some VMs have /run on the root file system; a container start would
    # then pay for ~8 inode allocations there that no real host pays.)
    run_dir=$(mktemp -d /tmp/bbr-XXXXXX)
    mount -t tmpfs -o mode=0711,size=64m berth-bench-run "$run_dir"
    bench_pids=()
    trap bench_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

bench_cleanup() {
    set +e
    local ids p c
    if [ -n "${sock:-}" ] && [ -S "$sock" ]; then
        ids=$(timeout 30 docker -H "unix://$sock" ps -aq 2>/dev/null)
        # shellcheck disable=SC2086
        [ -z "$ids" ] || timeout 300 docker -H "unix://$sock" rm -f -v $ids >/dev/null 2>&1
    fi
    for p in $(pgrep -x berth-shim); do
        grep -q -e "^$work/" -e "^$run_dir/" <<<"$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline")" || continue
        for c in $(ps -o pid= --ppid "$p"); do kill -KILL "$c" 2>/dev/null; done
        kill -KILL "$p" 2>/dev/null
    done
    for p in "${bench_pids[@]}"; do
        kill -TERM "$p" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    for p in "$run_dir" "$work"; do
        awk -v t="$p/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
        ! mountpoint -q "$p" || umount -l "$p" # the exec root's tmpfs
        rm -rf --one-file-system "$p"
    done
}

# bench_data_root — where berthd keeps its data: by default a fresh ext4
# with a journal (a 2 GiB sparse file on a loop device in the work dir),
# which is what a Debian host's ext4 is. BENCH_DATA_FS=host keeps it on the
# work dir's own file system instead. (The development VM's root file
# system is ext4 without a journal: there every inode allocation scans the
# inodes deleted in the last minutes, which costs a run --rm ~7 ms more than
# on a journaled ext4; bench/README.md has both numbers. Bare runc writes no
# data root and is not affected.)
bench_data_root() {
    data_root=$work/data
    [ "${BENCH_DATA_FS:-ext4}" = host ] && return 0
    command -v mkfs.ext4 >/dev/null || { echo "needs mkfs.ext4 (or BENCH_DATA_FS=host)" >&2; exit 2; }
    truncate -s 2G "$work/data.ext4"
    mkfs.ext4 -q -F "$work/data.ext4"
    mkdir -p "$data_root"
    mount -o loop "$work/data.ext4" "$data_root"
}

# bench_berthd [FLAGS...] — FLAGS replace the default "--bridge none" (no
# default bridge: a daemon on the host's own namespace must not make
# berth0); BENCH_LAUNCH (an array, e.g. nsenter --net=...) runs before it.
bench_berthd() {
    sock=$work/berth.sock
    local flags=("$@")
    [ ${#flags[@]} -gt 0 ] || flags=(--bridge none)
    bench_data_root
    "${BENCH_LAUNCH[@]}" "$berthd" "${flags[@]}" --data-root "$data_root" --exec-root "$run_dir" \
        -H "unix://$sock" >"$work/berthd.log" 2>&1 &
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
    if "$berth" run --help >/dev/null 2>&1 && "$berth" ps --help >/dev/null 2>&1; then
        CLI_NAME=berth
    else
        CLI_NAME=docker
    fi
}

cli() {
    if [ "$CLI_NAME" == berth ]; then
        "$berth" -H "unix://$sock" "$@"
    else
        docker -H "unix://$sock" "$@"
    fi
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
spread() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }

seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >>"$work/commands.log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$work/commands.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
