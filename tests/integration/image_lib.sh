# shellcheck shell=bash
# image_lib.sh — helpers for the image tests, sourced after lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/image_lib.sh"
#
#   start_registry          a real Debian docker-registry on 127.0.0.1:<free
#                           port>, storage in $T; sets REGISTRY (host:port),
#                           stopped by lib.sh's EXIT trap
#   busybox_tar FILE        the busybox-static root filesystem tar
#   import_busybox [REF]    import it into the main daemon as REF
#                           (busybox:latest) with CMD ["sh"] and PATH;
#                           sets IMAGE_ID
#   image_state             one line per blob, layer record and image in the
#                           main daemon's image store (image/overlay2: the
#                           tests run on overlay2) — compare before/after
#   free_port               an unused TCP port on 127.0.0.1

command -v docker-registry >/dev/null || skip "docker-registry is not installed (scripts/test.sh installs it)"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_registry() {
    local port dir
    port=$(free_port)
    dir=$T/registry-$port
    mkdir -p "$dir/data"
    cat >"$dir/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YML
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    IT_PIDS+=("$!")
    IT_LOGS+=("$dir/log")
    local i
    for ((i = 0; i < 100; i++)); do
        if curl -sf --max-time 1 "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
            REGISTRY=127.0.0.1:$port
            return 0
        fi
        sleep 0.1
    done
    fail "docker-registry did not come up on 127.0.0.1:$port"
}

busybox_tar() {
    bash "$SOURCE_DIR/scripts/lib/busybox-rootfs.sh" "$1" ||
        skip "no static busybox (apt-get install busybox-static)"
}

import_busybox() {
    local ref=${1:-busybox:latest} repo tag
    repo=${ref%:*}
    tag=${ref##*:}
    [ -f "$T/busybox.tar" ] || busybox_tar "$T/busybox.tar"
    local out
    out=$(curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' \
        --data-binary "@$T/busybox.tar" \
        "http://berth/images/create?fromSrc=-&repo=$repo&tag=$tag&changes=CMD%20%5B%22sh%22%5D&changes=ENV%20PATH%3D%2Fusr%2Flocal%2Fsbin%3A%2Fusr%2Flocal%2Fbin%3A%2Fusr%2Fsbin%3A%2Fusr%2Fbin%3A%2Fsbin%3A%2Fbin") ||
        fail "importing busybox failed"
    IMAGE_ID=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])["status"])')
}

image_state() {
    local root=$T/data/image/overlay2
    (
        cd "$root" 2>/dev/null || exit 0
        find blobs layerdb/sha256 imagedb/metadata -mindepth 2 -maxdepth 2 2>/dev/null | sort
        find ingest layerdb/tmp layerdb/pending imagedb/tmp -mindepth 1 2>/dev/null | sed 's/^/TEMP /' | sort
        cat repositories.json 2>/dev/null
        echo
    )
}

# --- the docker CLI and skopeo, pointed at this test only -------------------

# use_docker_cli — the stock CLI talks to the main daemon only: no user
# config, context or pinned API version.
use_docker_cli() {
    command -v docker >/dev/null || skip "docker CLI not installed"
    export DOCKER_CONFIG="$T/docker-config"
    mkdir -p "$DOCKER_CONFIG"
    unset DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH
    export DOCKER_HOST="$HOST"
}

# dk ARGS... — run the docker CLI; sets OUT (stdout+stderr) and RC.
dk() {
    RC=0
    OUT=$(docker "$@" 2>&1) || RC=$?
}

# dk_ok ARGS... — dk, and fail unless it exited 0.
dk_ok() {
    dk "$@"
    assert_eq 0 "$RC" "exit status of 'docker $*' (output: $OUT)"
}

# dk_fails ARGS... — dk, and fail unless it exited 1 (a daemon error).
dk_fails() {
    dk "$@"
    assert_eq 1 "$RC" "exit status of 'docker $*' (output: $OUT)"
}

# inspect FORMAT REF — one field of `docker image inspect`.
inspect() {
    dk_ok image inspect --format "$1" "$2"
    printf '%s' "$OUT"
}

# sk ARGS... — skopeo without the user's policy or auth files: accept
# anything, store nothing outside $T.
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$T/policy.json"
sk() {
    skopeo --policy "$T/policy.json" "$@" || fail "skopeo $* failed"
}
