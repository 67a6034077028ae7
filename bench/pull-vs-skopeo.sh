#!/usr/bin/env bash
# bench/pull-vs-skopeo.sh — wall time of an image pull through berthd against
# `skopeo copy` of the same image from the same registry, as medians and a
# ratio (plus dockerd and podman when they are installed).
#
# The image: LAYERS (default 5) layers of random, incompressible data, ~200 MB
# in all, pushed once with skopeo to a local docker-registry on 127.0.0.1.
# Each of RUNS (default 5) runs times whole processes, as a user waits:
#   berth   `docker pull` (the stock CLI) against a berthd started for the
#           benchmark; `docker rmi` + `docker image prune` between runs, so
#           every layer downloads and is extracted into overlay2 again
#   skopeo  `skopeo copy --src-tls-verify=false docker://... oci:<fresh dir>`
#           (downloads and stores the blobs; it extracts nothing)
#   dockerd, podman  the same pull, when the tool is on PATH (never started
#           here: dockerd must already be running on its default socket)
# No assertions: it prints numbers.
#
#   bench/pull-vs-skopeo.sh [BUILD_DIR]         (default: build)
#   RUNS=5 LAYERS=5 LAYER_MB=40 WORK=/var/tmp bench/pull-vs-skopeo.sh
# Needs root (berthd mounts), docker-registry, skopeo, the docker CLI, python3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
runs=${RUNS:-5}
layers=${LAYERS:-5}
layer_mb=${LAYER_MB:-40}
berthd=$build/bin/berthd
[ -x "$berthd" ] || { echo "build first: $berthd is missing" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (berthd mounts layers)" >&2; exit 2; }
for tool in docker-registry skopeo docker python3 curl; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

work=$(mktemp -d "${WORK:-/var/tmp}/berth-bench-pull-XXXXXX")
pids=()
cleanup() {
    set +e
    local p
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    awk -v t="$work/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# seconds CMD... — run CMD quietly, print its wall time in seconds.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >>"$work/commands.log" 2>&1 || { echo "failed: $* (see below)" >&2; tail -20 "$work/commands.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

echo "== registry and image"
port=$(free_port)
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -sf --max-time 1 "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
ref=127.0.0.1:$port/bench/pull:latest
python3 "$root/tests/integration/fault_registry.py" --oci-layout "$work/oci" --layers "$layers" \
    --layer-size $((layer_mb * 1000 * 1000)) >"$work/image.json"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/oci:latest" "docker://$ref"
rm -rf "$work/oci"
size_mb=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["total_size"] / 1e6))' "$work/image.json")
echo "   $ref: $layers layers, $size_mb MB"

echo "== berthd"
sock=$work/berth.sock
"$berthd" --bridge none --data-root "$work/berth" --exec-root "$work/run" -H "unix://$sock" >"$work/berthd.log" 2>&1 &
pids+=("$!")
for _ in $(seq 150); do curl -sf --max-time 1 --unix-socket "$sock" http://berth/_ping >/dev/null && break; sleep 0.1; done
export DOCKER_CONFIG=$work/docker-config
mkdir -p "$DOCKER_CONFIG"

results=$work/results
for i in $(seq 1 "$runs"); do
    b=$(seconds docker -H "unix://$sock" pull "$ref")
    docker -H "unix://$sock" rmi "$ref" >>"$work/commands.log" 2>&1
    docker -H "unix://$sock" image prune -f >>"$work/commands.log" 2>&1 # rmi leaves the blobs to gc
    s=$(seconds skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/skopeo-$i:latest")
    rm -rf "$work/skopeo-$i"
    echo "berth $b" >>"$results"
    echo "skopeo $s" >>"$results"
    line="   run $i: berth ${b}s  skopeo ${s}s"
    if command -v dockerd >/dev/null && docker -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
        d=$(seconds docker -H unix:///var/run/docker.sock pull "$ref")
        docker -H unix:///var/run/docker.sock rmi "$ref" >>"$work/commands.log" 2>&1
        echo "dockerd $d" >>"$results"
        line+="  dockerd ${d}s"
    fi
    if command -v podman >/dev/null; then
        p=$(seconds podman pull --tls-verify=false "$ref")
        podman rmi "$ref" >>"$work/commands.log" 2>&1
        echo "podman $p" >>"$results"
        line+="  podman ${p}s"
    fi
    echo "$line"
done

echo "== medians of $runs runs ($layers layers, $size_mb MB, $(nproc) CPUs, $(uname -r))"
berth_med=$(awk '$1 == "berth" { print $2 }' "$results" | median)
skopeo_med=$(awk '$1 == "skopeo" { print $2 }' "$results" | median)
printf '   %-8s %7.2f s  (%.0f MB/s)\n' berth "$berth_med" "$(awk -v s="$size_mb" -v t="$berth_med" 'BEGIN { print s / t }')"
printf '   %-8s %7.2f s  (%.0f MB/s)\n' skopeo "$skopeo_med" "$(awk -v s="$size_mb" -v t="$skopeo_med" 'BEGIN { print s / t }')"
for other in dockerd podman; do
    if grep -q "^$other " "$results"; then
        printf '   %-8s %7.2f s\n' "$other" "$(awk -v o="$other" '$1 == o { print $2 }' "$results" | median)"
    else
        echo "   $other   not installed or not running: skipped"
    fi
done
echo "   ratio berth/skopeo: $(awk -v a="$berth_med" -v b="$skopeo_med" 'BEGIN { printf "%.2f", a / b }')"
