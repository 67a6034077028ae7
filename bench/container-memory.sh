#!/usr/bin/env bash
# bench/container-memory.sh — what running containers cost in memory, and
# how `ps` scales with them:
#   - the RSS of one container's berth-shim;
#   - with COUNT (default 100) `sleep 3600` containers running: berthd's
#     RSS, every shim's RSS (median, min-max, sum) and the total
#     (berthd + shims); berthd's RSS before any container for reference;
#   - `berth ps` wall time with COUNT containers, median of PS_RUNS
#     (default 20) (the stock `docker ps` while the berth CLI has no
#     container commands).
# RSS is VmRSS from /proc/<pid>/status (shared pages count in every
# process, so the sum over-states what the machine really spends).
# Everything is removed at the end. Asserts nothing.
#
#   bench/container-memory.sh [BUILD_DIR]        (default: build)
#   COUNT=100 PS_RUNS=20 WORK=/var/tmp bench/container-memory.sh build
# Needs root, runc, the docker CLI, curl, python3.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
bench_init "${1:-}" memory
count=${COUNT:-100}
ps_runs=${PS_RUNS:-20}

echo "== berthd and busybox"
bench_berthd
echo "   client: $CLI_NAME CLI"
idle_kb=$(rss_kb "$berthd_pid")

# The shim of container ID (started with --id ID).
shim_of() {
    local p
    for p in $(pgrep -x berth-shim); do
        grep -qx -- "$1" <<<"$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline")" && { echo "$p"; return 0; }
    done
    echo "no berth-shim with --id $1" >&2
    return 1
}

echo "== one container"
first=$(cli run -d --network none --name mem-0 busybox sleep 3600)
one_shim_kb=$(rss_kb "$(shim_of "$first")")
echo "   berth-shim RSS: ${one_shim_kb} kB"

echo "== $count containers"
t0=$(date +%s.%N)
for i in $(seq 1 $((count - 1))); do
    cli run -d --network none --name "mem-$i" busybox sleep 3600 >>"$work/commands.log"
    [ $((i % 20)) -ne 0 ] || echo "   $i started"
done
t1=$(date +%s.%N)
running=$(cli ps -q | wc -l)
echo "   $running running; started in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

shims=$work/shim-rss
: >"$shims"
for id in $(cli ps -q --no-trunc); do
    rss_kb "$(shim_of "$id")" >>"$shims"
done
berthd_kb=$(rss_kb "$berthd_pid")
shim_sum=$(awk '{ s += $1 } END { print s + 0 }' "$shims")

ps_samples=$work/ps
: >"$ps_samples"
cli ps >/dev/null # warm-up
for _ in $(seq 1 "$ps_runs"); do
    seconds cli ps >>"$ps_samples"
done

echo "== results ($count containers, $(nproc) CPUs, $(uname -r), $(runc --version | head -1))"
printf '   %-40s %s\n' "berthd RSS, no containers" "${idle_kb} kB"
printf '   %-40s %s\n' "berth-shim RSS, one container" "${one_shim_kb} kB"
printf '   %-40s %s\n' "berthd RSS, $count containers" "${berthd_kb} kB"
printf '   %-40s %s\n' "berth-shim RSS median (min-max)" "$(median <"$shims") kB ($(spread <"$shims") kB)"
printf '   %-40s %s\n' "shims RSS sum" "${shim_sum} kB"
printf '   %-40s %s\n' "total (berthd + shims)" "$((berthd_kb + shim_sum)) kB ($(awk -v k=$((berthd_kb + shim_sum)) 'BEGIN { printf "%.1f", k / 1024 }') MB)"
printf '   %-40s %s\n' "$CLI_NAME ps, median of $ps_runs (min-max)" "$(median <"$ps_samples") s ($(spread <"$ps_samples") s)"
echo "== raw samples"
echo "   shim RSS kB: $(tr '\n' ' ' <"$shims")"
echo "   ps seconds: $(tr '\n' ' ' <"$ps_samples")"

echo "== clean-up"
# shellcheck disable=SC2046
cli rm -f $(cli ps -aq) >/dev/null
echo "   removed; $(cli ps -aq | wc -l) left"
