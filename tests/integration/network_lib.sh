# shellcheck shell=bash
# network_lib.sh — harness for the networking tests (the stock docker CLI
# against a berthd that lives in a network namespace of its own), sourced
# after lib.sh, image_lib.sh and container_lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/image_lib.sh"
#   . "$(dirname "$0")/container_lib.sh"; . "$(dirname "$0")/network_lib.sh"
#
# Isolation: every kernel object the daemon makes (bridges, veths, nft
# tables, published ports, proxies) lives in the namespace bnt-<pid>-a this
# test creates, so no traffic ever leaves it and nothing of the host's is
# touched. berthd enters only its network namespace (nsenter --net), so its
# mounts stay visible to lib.sh's clean-up; host-side probes (curl, ping,
# ip, nft, pgrep of proxies) run in it through nsx.
#
#   nt_setup [BERTHD-ARGS...]   make the namespace, write daemon.json, start
#                               berthd in it, import busybox:latest
#   nt_restart_berthd           start berthd again (same config) after a kill
#   nsx CMD...                  run CMD in the test's network namespace
#   nt_web_image                import web:1 — busybox plus /www/index.html,
#                               CMD httpd -f -p 8080 -h /www, EXPOSE 8080
#   ctr_ip CTR NET              the container's IPv4Address on NET
#   in_ctr CTR CMD...           docker exec; sets OUT and RC
#   can_ping CTR TARGET         one ping (busybox, 2 s) from CTR succeeds
#   nt_links                    `ip -o link` names in the namespace, sorted
#   nt_extra_link NAME [CIDR]   a link of the test's own in the namespace
#                               (one end of a veth pair: the dummy module
#                               may be missing), up, with CIDR if given
#
# Clean-up (the EXIT trap, before lib.sh's): containers removed through the
# daemon, stray shims reaped (container_lib.sh), berthd stopped, every
# process still in the namespace killed, the namespace deleted. At start,
# namespaces bnt-<pid>-* whose creating test is gone are swept the same way.

NT_NS=bnt-$$-a
NT_REAL_BERTHD=$BERTHD
# The default bridge is what these tests are about (inside their namespace).
IT_BERTHD_ARGS=()
NT_CONFIG=$T/daemon.json
NT_NFT_TABLE=berth_nt_$$

for _tool in ip nsenter curl; do
    command -v "$_tool" >/dev/null || skip "$_tool is not installed"
done
unset _tool

nsx() { ip netns exec "$NT_NS" "$@"; }

# Kill whatever still runs in namespace $1 and delete it.
_nt_drop_ns() {
    local ns=$1 p
    for p in $(ip netns pids "$ns" 2>/dev/null); do
        kill -KILL "$p" 2>/dev/null || true
    done
    ip netns del "$ns" 2>/dev/null || true
}

# Namespaces of earlier runs whose test process is gone (a crash, a
# SIGKILLed ctest): bnt-<pid>-<x> with no live <pid>.
nt_sweep() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep '^bnt-[0-9]*-' || true); do
        pid=${ns#bnt-}
        pid=${pid%%-*}
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "sweep: removing leftover network namespace $ns" >&2
            _nt_drop_ns "$ns"
        fi
    done
}

_nt_exit() {
    local rc=$?
    set +e
    ct_cleanup
    local pid
    for pid in "${IT_PIDS[@]}"; do
        stop_pid "$pid"
    done
    _nt_drop_ns "$NT_NS"
    (exit "$rc")
    it_cleanup
}
trap _nt_exit EXIT

# berthd through a wrapper that enters the namespace: lib.sh spawns
# "$BERTHD", and nsenter execs, so the pid lib.sh records is berthd's own.
_nt_wrapper() {
    cat >"$T/berthd-in-netns" <<WRAP
#!/bin/sh
exec nsenter --net=/run/netns/$NT_NS -- "$NT_REAL_BERTHD" "\$@"
WRAP
    chmod +x "$T/berthd-in-netns"
    BERTHD=$T/berthd-in-netns
}

# daemon.json: the default bridge on a private /16 (inside the namespace
# nothing could clash, but a fixed range keeps the expectations readable),
# and the bridge driver's nft table named for this test. The plugin's name
# ("net-bridge", as the plugin names itself) keys plugin-config.
_nt_config() {
    cat >"$NT_CONFIG" <<JSON
{
  "bip": "10.201.0.1/16",
  "plugin-config": {
    "net-bridge": { "nft_table": "$NT_NFT_TABLE" }
  }
}
JSON
}

nt_setup() {
    command -v docker >/dev/null || skip "docker CLI not installed"
    command -v runc >/dev/null || skip "runc not installed"
    nt_sweep
    ip netns add "$NT_NS" || fail "ip netns add $NT_NS failed"
    nsx ip link set lo up || fail "could not bring lo up in $NT_NS"
    _nt_wrapper
    _nt_config
    NT_BERTHD_ARGS=(--config-file "$NT_CONFIG" "$@")
    ct_setup "${NT_BERTHD_ARGS[@]}"
}

# After the test killed berthd (and reaped it): the same daemon again.
nt_restart_berthd() {
    start_berthd "${NT_BERTHD_ARGS[@]}"
}

nt_web_image() {
    local dir=$T/web-rootfs
    mkdir -p "$dir/www"
    echo "hello from berth web" >"$dir/www/index.html"
    [ -f "$T/busybox.tar" ] || busybox_tar "$T/busybox.tar"
    cp "$T/busybox.tar" "$T/web.tar"
    tar -rf "$T/web.tar" --owner=0 --group=0 -C "$dir" www/index.html ||
        fail "could not add /www/index.html to the busybox tar"
    dk_ok import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'EXPOSE 8080' \
        --change 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]' \
        "$T/web.tar" web:1
}

ctr_ip() { # CTR NET
    ci "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"
}

in_ctr() { # CTR CMD...
    local c=$1
    shift
    dk exec "$c" "$@"
}

can_ping() { # CTR TARGET
    docker exec "$1" ping -c1 -W2 "$2" >/dev/null 2>&1
}

nt_links() {
    nsx ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

nt_extra_link() { # NAME [CIDR]
    nsx ip link add "$1" type veth peer name "$1-p" || fail "could not add the veth pair $1 in $NT_NS"
    [ -z "${2:-}" ] || nsx ip addr add "$2" dev "$1"
    nsx ip link set "$1-p" up
    nsx ip link set "$1" up
}

# curl in the namespace: the body, or fail naming what was asked.
nt_curl() { # URL WHAT
    local body
    body=$(nsx curl -fsS --max-time 5 "$1" 2>&1) || fail "$2: curl $1 in $NT_NS failed: $body"
    printf '%s' "$body"
}
