#!/usr/bin/env bash
# bench/run-vs-runc.sh — wall time of a whole `run --rm busybox true`
# through berthd against a bare `runc run` of a prepared bundle, as medians
# and a ratio (target: berth <= 1.5 x bare runc).
#
#   berth   `berth run --rm --network none busybox true` against a berthd
#           started for the benchmark (the stock `docker` CLI while the
#           berth CLI has no container commands): create, attach, wait,
#           start, exit, auto-remove, overlay2 mount and unmount
#   docker-cli  the same run through the stock docker CLI against the same
#           berthd (when the berth CLI is the client above): separates the
#           client's share from the daemon's
#   runc    `runc run --bundle <b> <id>`: busybox rootfs as a plain
#           directory, `runc spec`'s config with process ["true"], no
#           terminal, and Docker's namespaces for --network none (pid, net,
#           ipc, uts, mount; no cgroup namespace on a cgroup v1 host)
#   dockerd, podman  the same `run --rm --network none busybox true`, when
#           installed (dockerd only if it already runs on its default
#           socket, with a busybox image); otherwise named as skipped
# Then, to show where berthd's time goes, the same container through the
# raw API with curl, one request per phase (create, start, wait for the
# exit, delete), medians of RUNS.
# Each case: 2 warm-up runs, then RUNS (default 15) timed runs. Prints each
# sample, the medians and spreads, and the ratio. Asserts nothing.
#
#   bench/run-vs-runc.sh [BUILD_DIR]        (default: build)
#   RUNS=15 WORK=/var/tmp bench/run-vs-runc.sh build
# On a machine busy with builds, `nice -n -20 bench/run-vs-runc.sh build`
# keeps the CPU share steady (not chrt: an RT task cannot join runc's cpu
# cgroup); the disk stays shared, and fsync and overlay unmount times (a
# sync of the upper file system) grow with others' writes.
# Needs root, runc, the docker CLI, curl, python3.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
bench_init "${1:-}" run
runs=${RUNS:-15}

echo "== berthd and busybox"
bench_berthd
echo "   client: $CLI_NAME CLI"

echo "== runc bundle"
bundle=$work/bundle
mkdir -p "$bundle/rootfs"
tar -C "$bundle/rootfs" -xf "$work/busybox.tar"
(cd "$bundle" && runc spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
c["root"]["readonly"] = False
cgroup_v2 = open("/proc/self/mountinfo").read().find(" /sys/fs/cgroup cgroup2 ") >= 0
ns = ["pid", "network", "ipc", "uts", "mount"] + (["cgroup"] if cgroup_v2 else [])
c["linux"]["namespaces"] = [{"type": t} for t in ns]
json.dump(c, open(p, "w"), indent=2)
PY
runc_run() { runc run --bundle "$bundle" "berth-bench-$$-$1" </dev/null; }

# The same container as berthd would run it: the config.json berthd wrote for
# a `--network none busybox` container (Docker's default seccomp profile,
# capabilities, masked paths, cgroup limits), over the same plain rootfs.
# Berth's own share is then berth/runc-spec.
echo "== runc bundle with berthd's own config.json"
spec_bundle=$work/spec-bundle
mkdir -p "$spec_bundle"
probe=$(cli run -d --network none busybox sleep 60)
cp "$run_dir/$probe/config.json" "$spec_bundle/config.json"
cli rm -f "$probe" >/dev/null
python3 - "$spec_bundle" <<'PY'
import json, os, sys
d = sys.argv[1]
p = os.path.join(d, "config.json")
c = json.load(open(p))
c["root"]["path"] = os.path.join(os.path.dirname(d), "bundle", "rootfs")  # the plain bundle's rootfs
c["process"]["args"] = ["true"]
c["process"]["terminal"] = False
for m in c["mounts"]:
    if m["type"] == "bind" and m["destination"] in ("/etc/hosts", "/etc/hostname", "/etc/resolv.conf"):
        m["source"] = os.path.join(d, os.path.basename(m["destination"]))
        open(m["source"], "a").close()
c["linux"].pop("cgroupsPath", None)  # runc then uses one per container id
json.dump(c, open(p, "w"), indent=2)
PY
runc_spec_run() { runc run --bundle "$spec_bundle" "berth-bench-spec-$$-$1" </dev/null; }

results=$work/results
: >"$results"
have_dockerd=0
if command -v dockerd >/dev/null && docker -H unix:///var/run/docker.sock image inspect busybox >/dev/null 2>&1; then
    have_dockerd=1
fi
have_podman=0
if command -v podman >/dev/null && podman image exists busybox 2>/dev/null; then
    have_podman=1
fi

for i in 1 2; do # warm-up: page cache, first mounts, cgroup creation
    seconds cli run --rm --network none busybox true >/dev/null
    seconds runc_run "warm$i" >/dev/null
    seconds runc_spec_run "warm$i" >/dev/null
done
for i in $(seq 1 "$runs"); do
    b=$(seconds cli run --rm --network none busybox true)
    r=$(seconds runc_run "$i")
    rs=$(seconds runc_spec_run "$i")
    echo "berth $b" >>"$results"
    echo "runc $r" >>"$results"
    echo "runc-spec $rs" >>"$results"
    line="   run $i: berth ${b}s  runc ${r}s  runc-spec ${rs}s"
    if [ "$CLI_NAME" == berth ]; then
        c=$(seconds docker -H "unix://$sock" run --rm --network none busybox true)
        echo "docker-cli $c" >>"$results"
        line+="  docker-cli ${c}s"
    fi
    if [ $have_dockerd -eq 1 ]; then
        d=$(seconds docker -H unix:///var/run/docker.sock run --rm --network none busybox true)
        echo "dockerd $d" >>"$results"
        line+="  dockerd ${d}s"
    fi
    if [ $have_podman -eq 1 ]; then
        p=$(seconds podman run --rm --network none busybox true)
        echo "podman $p" >>"$results"
        line+="  podman ${p}s"
    fi
    echo "$line"
done

leftover=$(cli ps -aq | wc -l)

# phase NAME METHOD PATH [BODY] — one API request, its time in seconds
# appended to $phases as "NAME seconds"; prints the response body.
phases=$work/phases
: >"$phases"
phase() {
    local name=$1 method=$2 path=$3 body=${4:-} out t
    local args=(-s --unix-socket "$sock" -X "$method" -o "$work/phase-body" -w '%{http_code} %{time_total}')
    [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
    out=$(curl "${args[@]}" "http://berth/v1.43$path")
    case "${out%% *}" in 2*) ;; *) echo "phase $name: HTTP ${out%% *}: $(cat "$work/phase-body")" >&2; exit 1 ;; esac
    echo "$name ${out#* }" >>"$phases"
    cat "$work/phase-body"
}
for i in $(seq 1 "$runs"); do
    id=$(phase create POST /containers/create \
        '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none"}}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
    phase start POST "/containers/$id/start" >/dev/null
    phase wait POST "/containers/$id/wait" >/dev/null
    phase delete DELETE "/containers/$id" >/dev/null
done
echo "== medians of $runs runs ($(nproc) CPUs, $(uname -r), $(runc --version | head -1))"
printf '   %-10s %9s %17s\n' tool median spread
for t in berth docker-cli runc runc-spec dockerd podman; do
    if grep -q "^$t " "$results"; then
        printf '   %-10s %8.3fs %17s\n' "$t" "$(awk -v t=$t '$1 == t { print $2 }' "$results" | median)" \
            "$(awk -v t=$t '$1 == t { print $2 }' "$results" | spread)"
    else
        echo "   $t   not installed or not running (or has no busybox image): skipped"
    fi
done
b=$(awk '$1 == "berth" { print $2 }' "$results" | median)
r=$(awk '$1 == "runc" { print $2 }' "$results" | median)
rs=$(awk '$1 == "runc-spec" { print $2 }' "$results" | median)
echo "   ratio berth/runc: $(awk -v a="$b" -v b="$r" 'BEGIN { printf "%.2f", a / b }') (target <= 1.5)"
echo "   ratio berth/runc-spec (same config.json): $(awk -v a="$b" -v b="$rs" 'BEGIN { printf "%.2f", a / b }')"
echo "   containers left behind by run --rm: $leftover"
echo "== berthd's phases through the raw API (curl), medians of $runs"
for p in create start wait delete; do
    printf '   %-10s %8.3fs %17s\n' "$p" "$(awk -v t=$p '$1 == t { print $2 }' "$phases" | median)" \
        "$(awk -v t=$p '$1 == t { print $2 }' "$phases" | spread)"
done
echo "== raw samples"
cat "$results" "$phases"
