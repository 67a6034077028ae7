#!/usr/bin/env bash
# tls_default_port.sh — `berthd -H tcp://HOST` without a port: berthd (whose
# TCP is always mutual TLS) listens on dockerd's TLS port 2376, where the
# berth and docker CLIs reach it. (The clients themselves keep the docker
# CLI's rule: an explicit -H tcp://HOST without a port is 2375, TLS or not.)
# In a network namespace of the test's own, so the host's port 2376 is
# never touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

command -v ip >/dev/null || skip "iproute2 not installed"
NS=berth-tlsport-$$
# Namespaces of earlier runs whose test process is gone.
for old in $(ip netns list 2>/dev/null | awk '/^berth-tlsport-/ { print $1 }'); do
    pid_alive "${old#berth-tlsport-}" || ip netns del "$old" 2>/dev/null
done
ip netns add "$NS" || fail "ip netns add $NS"
# On exit: end whatever still runs in the namespace, delete it, then the
# usual clean-up (which reads the exit status first: hand it on).
ns_cleanup() {
    set +e
    local pids
    pids=$(ip netns pids "$NS" 2>/dev/null)
    if [ -n "$pids" ]; then
        kill $pids 2>/dev/null
        sleep 1
        pids=$(ip netns pids "$NS" 2>/dev/null)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null
    fi
    ip netns del "$NS" 2>/dev/null
}
trap 'rc=$?; ns_cleanup; (exit $rc); it_cleanup' EXIT
ip netns exec "$NS" ip link set lo up || fail "lo up in $NS"

make_ca ca
make_cert ca server berthd serverAuth
make_cert ca client client clientAuth

# nsenter execs berthd in place (ip netns exec may fork and wait), so the
# pid the harness stops is berthd's own.
printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$NS" "$BERTHD" >"$T/berthd-in-ns"
chmod +x "$T/berthd-in-ns"
BERTHD=$T/berthd-in-ns berthd_spawn "$T/berthd.log" --data-root "$T/data" --exec-root "$T/run" \
    -H tcp://127.0.0.1 --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem"
pid=$SPAWNED_PID
tls_curl() { ip netns exec "$NS" curl -s --max-time 5 --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client-key.pem" "$@"; }
for ((i = 0; i < 150; i++)); do
    [ "$(tls_curl https://127.0.0.1:2376/_ping)" = OK ] && break
    pid_alive "$pid" || fail "berthd exited before listening (see its log)"
    sleep 0.1
done
assert_eq OK "$(tls_curl https://127.0.0.1:2376/_ping)" "berthd -H tcp://127.0.0.1 answers on 2376"
assert_contains "$(cat "$T/berthd.log")" "API listening on tcp://127.0.0.1" "the listener's log line"

note "berth --tlsverify -H tcp://127.0.0.1:2376"
out=$(ip netns exec "$NS" "$BERTH" -H tcp://127.0.0.1:2376 --tlsverify --tlscacert "$pki/ca.pem" \
    --tlscert "$pki/client.pem" --tlskey "$pki/client-key.pem" version 2>&1) || fail "berth version: $out"
assert_contains "$out" "Server: Berth Engine" "berth version over TLS on the default port"

if command -v docker >/dev/null; then
    note "docker --tlsverify -H tcp://127.0.0.1:2376"
    out=$(DOCKER_CONFIG=$T/docker-config ip netns exec "$NS" docker -H tcp://127.0.0.1:2376 --tlsverify \
        --tlscacert "$pki/ca.pem" --tlscert "$pki/client.pem" --tlskey "$pki/client-key.pem" version 2>&1) ||
        fail "docker version: $out"
    assert_contains "$out" "Server: Berth Engine" "docker version over TLS on the default port"
else
    note "docker CLI not installed; its check skipped"
fi

note "a bad port is refused at start, before anything is set up"
# In the test's namespace and with the default bridge on (no --bridge
# none): a start refused for its -H must not leave berth0 or berth's nft
# table behind (the listeners open before the networks).
out=$(timeout 10 "$T/berthd-in-ns" --data-root "$T/data2" --exec-root "$T/run2" -H tcp://127.0.0.1:99999 --tlsverify \
    --tlscacert "$pki/ca.pem" --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem" 2>&1) &&
    fail "berthd started with port 99999"
assert_contains "$out" 'invalid port "99999"' "berthd names the bad port"
if ip -n "$NS" link show berth0 >/dev/null 2>&1; then fail "a refused start left the default bridge berth0"; fi
if ip netns exec "$NS" nft list table ip berth >/dev/null 2>&1; then fail "a refused start left nft table ip berth"; fi
note "no berth0 and no nft table after the refused start"
