#!/usr/bin/env bash
# volume_cli.sh — the stock docker CLI against the /volumes routes (served
# by volume_api_server, which has nothing but those): create with labels and
# options, ls and its filters, inspect, rm of a used, a missing and a free
# volume, prune with and without -a, and dockerd's error texts.
# Needs no root. Exit 77 (skipped) without the docker CLI.
set -euo pipefail

SERVER=${VOLUME_API_SERVER:?run through ctest}
command -v docker >/dev/null || { echo "SKIP: docker CLI not installed"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

T=$(mktemp -d /tmp/berth-volcli-XXXXXX)
SOCK="$T/api.sock"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; [ -f "$T/server.log" ] && cat "$T/server.log" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"; }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "$3: [$2] not in: $1"; }

export DOCKER_CONFIG="$T/docker-config"
mkdir -p "$DOCKER_CONFIG"
unset DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH
export DOCKER_HOST="unix://$SOCK"

"$SERVER" "$T/root" "$SOCK" >"$T/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "server did not start"
dapi() { curl -sf --unix-socket "$SOCK" -X POST "http://v/$1" >/dev/null; }

echo "--- create"
expect_eq web "$(docker volume create web)" "volume create prints the name"
expect_eq tmp "$(docker volume create --label tier=cache --opt type=tmpfs --opt device=tmpfs --opt o=size=1m tmp)" \
    "create with options"
anon=$(docker volume create)
[[ "$anon" =~ ^[0-9a-f]{64}$ ]] || fail "anonymous name: $anon"
expect_eq web "$(docker volume create web)" "create of an existing name"
out=$(docker volume create --opt colour=blue bad 2>&1) && fail "unknown option accepted"
expect_in "$out" 'create bad: invalid option: "colour"' "unknown option"
out=$(docker volume create x 2>&1) && fail "one-letter name accepted"
expect_in "$out" "volume name is too short" "short name"

echo "--- ls"
expect_eq "$(printf '%s\n' "$anon" tmp web)" "$(docker volume ls -q)" "volume ls -q"
expect_eq "local tmp" "$(docker volume ls -f label=tier=cache --format '{{.Driver}} {{.Name}}')" "ls label filter"
expect_eq web "$(docker volume ls -q -f name=we)" "ls name filter"

echo "--- inspect"
expect_eq "$T/root/volumes/web/_data" "$(docker volume inspect -f '{{.Mountpoint}}' web)" "Mountpoint"
# Go templates print maps sorted by key.
expect_eq "map[device:tmpfs o:size=1m type:tmpfs] local" "$(docker volume inspect -f '{{.Options}} {{.Scope}}' tmp)" \
    "Options and Scope"
expect_eq 'map[com.docker.volume.anonymous:]' "$(docker volume inspect -f '{{.Labels}}' "$anon")" "anonymous label"
out=$(docker volume inspect nope 2>&1) && fail "inspect of a missing volume succeeded"
expect_in "$out" "no such volume" "inspect missing"

echo "--- rm"
dapi "test/reference?volume=web&container=c0ffee"
out=$(docker volume rm web 2>&1) && fail "rm of a used volume succeeded"
expect_in "$out" "remove web: volume is in use - [c0ffee]" "rm in use"
expect_eq web "$(docker volume ls -q -f dangling=false)" "ls dangling=false"
docker volume rm -f ghost >/dev/null || fail "rm -f of a missing volume failed"
out=$(docker volume rm ghost 2>&1) && fail "rm of a missing volume succeeded"
expect_in "$out" "get ghost: no such volume" "rm missing"

echo "--- prune"
out=$(docker volume prune -f)
expect_in "$out" "$anon" "prune lists the anonymous volume"
expect_eq "$(printf '%s\n' tmp web)" "$(docker volume ls -q)" "prune kept named volumes"
out=$(docker volume prune -af)
expect_in "$out" "tmp" "prune -a removes unused named volumes"
expect_eq web "$(docker volume ls -q)" "prune -a kept the used volume"
dapi "test/dereference?volume=web&container=c0ffee"
expect_eq web "$(docker volume rm web)" "rm of a free volume"
expect_eq "" "$(docker volume ls -q)" "nothing left"
[ ! -e "$T/root/volumes/web" ] || fail "rm left the directory"
echo PASS
