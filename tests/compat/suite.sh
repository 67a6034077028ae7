#!/usr/bin/env bash
# suite.sh — the body of the compatibility suite: one berthd (in a network
# namespace of its own, so bridges, DNS and published ports are real and
# private), a docker-registry on 127.0.0.1 inside the same namespace, and
# then each real client in turn: the stock docker CLI, Debian's docker.io
# client when installed, docker-py (python3-docker) and docker-compose.
# Results go to $COMPAT_RESULTS (compat_lib.sh); run.sh prints the table
# and the counts. Run it through run.sh, not directly.
#
# Exit: 0 every check passed or skipped, 1 a check failed (lib.sh then
# prints the daemon log), 77 the suite cannot run here (not root, no
# docker CLI, no runc, ...).
here=$(cd "$(dirname "$0")" && pwd)
it=$here/../integration
. "$it/lib.sh"
. "$it/image_lib.sh"
. "$it/container_lib.sh"
. "$it/network_lib.sh"
. "$here/compat_lib.sh"
. "$here/docker_cli_checks.sh"
. "$here/compose_checks.sh"

nt_setup

# The registry must live where berthd does: in the namespace, on its
# loopback (127.0.0.0/8 counts as insecure, so plain HTTP is used).
compat_start_registry() {
    local port dir
    port=$(nsx python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    dir=$T/registry
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
    # ip netns exec execs the registry, so this pid is the registry's own.
    nsx docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    IT_PIDS+=("$!")
    IT_LOGS+=("$dir/log")
    wait_until 10 "docker-registry on 127.0.0.1:$port in $NT_NS" \
        nsx curl -sf --max-time 1 "http://127.0.0.1:$port/v2/"
    REGISTRY=127.0.0.1:$port
}
compat_start_registry

# A second, small berthd for the authorization rows: the bundled
# authz-policy plugin with a policy under which root (uid:0, the peer of
# every client here) is a read-only user. It needs no images or networks:
# a denied request never reaches its handler.
compat_start_authz_daemon() {
    local dir=$T/authz
    mkdir -p "$dir"
    cat >"$dir/policy.json" <<'JSON'
{"rules": [{"users": ["uid:0"], "allow": [{"method": "GET", "path": "/**"}]}]}
JSON
    cat >"$dir/daemon.json" <<JSON
{"authorization-plugins": ["authz-policy"],
 "plugin-config": {"authz-policy": {"policy": "$dir/policy.json"}}}
JSON
    berthd_spawn "$dir/berthd.log" --bridge none --config-file "$dir/daemon.json" \
        --data-root "$dir/data" --exec-root "$dir/run" -H "unix://$dir/sock"
    wait_ping "$dir/sock" "$SPAWNED_PID" "$dir/berthd.log"
    AUTHZ_HOST=unix://$dir/sock
}
compat_start_authz_daemon

# --- the stock docker CLI ---------------------------------------------------------
note "client: $(command -v docker) ($(docker version --format '{{.Client.Version}}' 2>/dev/null))"
cli_checks docker-cli

# --- Debian's docker.io client, when installed ------------------------------------
# It is /usr/bin/docker; the stock CLI sits earlier on PATH, so a private
# directory puts docker.io first for the `docker` calls of the helpers too.
if [ -x /usr/bin/docker ] && [ "$(readlink -f /usr/bin/docker)" != "$(readlink -f "$(command -v docker)")" ]; then
    mkdir -p "$T/docker.io-bin"
    ln -s /usr/bin/docker "$T/docker.io-bin/docker"
    (
        PATH=$T/docker.io-bin:$PATH
        CP_NET_OCTET=2
        note "client: docker.io $(docker version --format '{{.Client.Version}}' 2>/dev/null)"
        cli_checks docker.io
    )
else
    record SKIP docker.io "*" "Debian's docker.io client is not installed (apt-get install docker.io)"
fi

# --- docker-py ----------------------------------------------------------------------
# Debian's interpreter explicitly: a pyenv python3 earlier on PATH would not
# see python3-docker.
if /usr/bin/python3 -c 'import docker' 2>/dev/null; then
    note "client: docker-py $(/usr/bin/python3 -c 'import docker; print(docker.__version__)')"
    COMPAT_REGISTRY=$REGISTRY COMPAT_AUTHZ_HOST=$AUTHZ_HOST COMPAT_NETNS=$NT_NS COMPAT_BUSYBOX_TAR=$T/busybox.tar COMPAT_TMP=$T \
        DOCKER_HOST=$HOST timeout 300 /usr/bin/python3 "$here/dockerpy_checks.py" ||
        note "docker-py checks exited with status $?"
else
    record SKIP docker-py "*" "python3-docker is not installed (scripts/lib/deps.sh installs it)"
fi

# --- docker-compose -----------------------------------------------------------------
if [ -x /usr/bin/docker-compose ]; then
    note "client: $(/usr/bin/docker-compose version --short 2>/dev/null | head -1 | sed 's/^/docker-compose /')"
    compose_checks
else
    record SKIP docker-compose "*" "docker-compose is not installed (scripts/lib/deps.sh installs it)"
fi

if grep -q '^FAIL' "$COMPAT_RESULTS"; then
    exit 1
fi
exit 0
