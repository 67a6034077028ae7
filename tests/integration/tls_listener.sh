#!/usr/bin/env bash
# tls_listener.sh — the remote API over TCP demands mutual TLS: a client with
# a certificate from the configured CA is served (curl and the stock docker
# CLI), a client without one, or with one from another CA, is not; a TCP
# listener without TLS files refuses to start. The unix socket is 0660.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

make_ca ca
make_ca rogue
make_cert ca server berthd serverAuth
make_cert ca client alice clientAuth
make_cert rogue intruder mallory clientAuth

port=$(free_tcp_port)

note "a TCP listener without TLS files refuses to start"
berthd_spawn "$T/notls.log" --data-root "$T/data-notls" --exec-root "$T/run-notls" -H "tcp://127.0.0.1:$port"
wait_exit "$SPAWNED_PID" 15 || fail "berthd kept running with a plain TCP listener"
reap "$SPAWNED_PID"
assert_ne 0 "$REAP_RC" "exit status of a plain TCP listener"
assert_contains "$(cat "$T/notls.log")" "TCP needs mutual TLS" "refusal message"

start_berthd -H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$pki/ca.pem" \
    --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem"

note "the unix socket is 0660"
assert_eq 660 "$(stat -c %a "$SOCK")" "mode of the API socket"

url=https://127.0.0.1:$port
note "a client certificate from the CA is served"
out=$(curl -sS --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client-key.pem" \
    "$url/_ping") || fail "curl with a valid client certificate failed"
assert_eq OK "$out" "/_ping over mutual TLS"
out=$(curl -sS --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client-key.pem" \
    "$url/v1.44/version") || fail "GET /version over TLS failed"
assert_contains "$out" '"ApiVersion":"1.44"' "/version over mutual TLS"

note "no client certificate: refused"
if curl -s --max-time 10 --cacert "$pki/ca.pem" "$url/_ping" >/dev/null 2>&1; then
    fail "a client without a certificate was served"
fi

note "a certificate from another CA: refused"
if curl -s --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/intruder.pem" --key "$pki/intruder-key.pem" \
    "$url/_ping" >/dev/null 2>&1; then
    fail "a client with a certificate from an unknown CA was served"
fi

note "berth CLI over mutual TLS"
out=$("$BERTH" -H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/client.pem" \
    --tlskey "$pki/client-key.pem" version) || fail "berth version over TLS failed: $out"
assert_contains "$out" "Server: Berth Engine" "berth version over TLS"

if command -v docker >/dev/null; then
    note "stock docker CLI over mutual TLS"
    out=$(docker --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/client.pem" --tlskey "$pki/client-key.pem" \
        -H "tcp://127.0.0.1:$port" version 2>&1) || fail "docker version over TLS failed: $out"
    assert_contains "$out" "Server: Berth Engine" "docker version over TLS"
else
    note "docker CLI not installed; its TLS check skipped"
fi

note "berthd still serves the unix socket"
api GET /_ping
assert_status 200 "/_ping on the unix socket after TLS refusals"
