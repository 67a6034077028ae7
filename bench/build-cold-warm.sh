#!/usr/bin/env bash
# bench/build-cold-warm.sh — wall time of building one Dockerfile cold
# (--no-cache: every step runs) and warm (every step "Using cache"), as
# medians of RUNS, through berthd with two clients:
#
#   berth          `berth build` against a berthd started for the benchmark
#   docker-cli     `DOCKER_BUILDKIT=0 docker build` (the legacy builder)
#                  against the same berthd: the same daemon work, the stock
#                  client
#   dockerd        the same docker build against a dockerd already running
#                  on its default socket with a busybox image; otherwise
#                  named as skipped
#   buildah        `buildah bud` (--layers for the warm case), when installed
#
# The Dockerfile (FROM busybox) has two RUN steps, a COPY of a generated
# context of FILES (default 300) small files and about 2 MB, a WORKDIR, an
# ENV and a CMD: the cold build pays for two containers and two layer
# commits plus the context upload, the warm one for the upload, the cache
# look-ups and the tag. Each case: one warm-up build, then RUNS (default 5)
# timed ones. Prints each sample, the medians and spreads. Asserts nothing.
#
#   bench/build-cold-warm.sh [BUILD_DIR]        (default: build)
#   RUNS=9 FILES=1000 bench/build-cold-warm.sh build
# Needs root, runc, the docker CLI, curl, python3.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/container-bench-lib.sh"
bench_init "${1:-}" build
runs=${RUNS:-5}
files=${FILES:-300}

echo "== berthd and busybox"
bench_berthd
# An empty body is a refused build, not a missing route.
code=$(curl -s --max-time 10 --unix-socket "$sock" -o "$work/probe" -w '%{http_code}' -X POST "http://berth/v1.44/build")
if [ "$code" == 404 ] && grep -q 'page not found' "$work/probe"; then
    echo "this berthd has no POST /build yet" >&2
    exit 2
fi

echo "== context: $files files"
ctx=$work/context
mkdir -p "$ctx/app"
for ((i = 0; i < files; i++)); do
    head -c $((4096 + (i * 37) % 8192)) /dev/urandom >"$ctx/app/file-$i.bin"
done
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox
ENV APP_HOME=/srv/app
RUN mkdir -p /srv/app /var/log/app && echo prepared > /srv/prepared.txt
COPY app/ /srv/app/
WORKDIR /srv/app
RUN ls | wc -l > /srv/count.txt && du -s . >> /srv/count.txt
CMD ["cat", "/srv/count.txt"]
DOCKERFILE
echo "   $(du -sh "$ctx" | cut -f1) in $ctx"

# time_builds NAME MODE CMD... — one warm-up, then RUNS timed runs of CMD;
# prints the samples and records "NAME MODE median spread".
results=()
time_builds() {
    local name=$1 mode=$2 samples=() s
    shift 2
    seconds "$@" >/dev/null
    for ((r = 0; r < runs; r++)); do
        s=$(seconds "$@")
        samples+=("$s")
    done
    local med spr
    med=$(printf '%s\n' "${samples[@]}" | median)
    spr=$(printf '%s\n' "${samples[@]}" | spread)
    printf '   %-10s %-5s %s\n' "$name" "$mode" "${samples[*]}"
    results+=("$(printf '%-10s %-5s %8s s   (%s)' "$name" "$mode" "$med" "$spr")")
}

echo "== berth build (berthd)"
time_builds berth cold "$berth" -H "unix://$sock" build -q --no-cache -t bench-build "$ctx"
time_builds berth warm "$berth" -H "unix://$sock" build -q -t bench-build "$ctx"

echo "== docker build, legacy builder (berthd)"
time_builds docker-cli cold env DOCKER_BUILDKIT=0 docker -H "unix://$sock" build -q --no-cache -t bench-build "$ctx"
time_builds docker-cli warm env DOCKER_BUILDKIT=0 docker -H "unix://$sock" build -q -t bench-build "$ctx"

skipped=()
echo "== docker build, legacy builder (dockerd)"
if ! command -v dockerd >/dev/null; then
    skipped+=("dockerd: not installed")
elif ! env -u DOCKER_HOST docker -H unix:///var/run/docker.sock image inspect busybox >/dev/null 2>&1; then
    skipped+=("dockerd: not running on /var/run/docker.sock with a busybox image")
else
    time_builds dockerd cold env DOCKER_BUILDKIT=0 docker -H unix:///var/run/docker.sock build -q --no-cache -t bench-build "$ctx"
    time_builds dockerd warm env DOCKER_BUILDKIT=0 docker -H unix:///var/run/docker.sock build -q -t bench-build "$ctx"
fi

echo "== buildah bud"
if ! command -v buildah >/dev/null; then
    skipped+=("buildah: not installed")
elif ! buildah inspect --type image busybox >/dev/null 2>&1; then
    skipped+=("buildah: no local busybox image")
else
    time_builds buildah cold buildah bud -q --layers --no-cache -t bench-build "$ctx"
    time_builds buildah warm buildah bud -q --layers -t bench-build "$ctx"
fi

echo
echo "== medians of $runs runs ($files files in the context)"
printf '   %s\n' "${results[@]}"
for s in "${skipped[@]}"; do echo "   skipped: $s"; done
