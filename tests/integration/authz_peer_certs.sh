#!/usr/bin/env bash
# authz_peer_certs.sh — what the transport tells authorization plugins about
# the client: over mutual TLS the certificate's CN as the user and the
# client's certificate in PEM (peer_certs_pem); over the unix socket
# "uid:<n>" and no certificates. The test plugin fake-echo denies every
# request with what it was shown, so the 403 message is the plugin's view.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

make_ca ca
make_cert ca server berthd serverAuth
make_cert ca alice alice clientAuth

cat >"$T/daemon.json" <<JSON
{"plugin-dirs": ["$BERTH_TEST_PLUGIN_DIR/authz-fake"],
 "authorization-plugins": ["fake-echo"]}
JSON
port=$(free_tcp_port)
# start_berthd waits for /_ping to answer 200, which fake-echo never allows.
berthd_spawn "$T/berthd.log" --config-file "$T/daemon.json" --data-root "$T/data" --exec-root "$T/run" \
    -H "unix://$SOCK" -H "tcp://127.0.0.1:$port" --tlsverify \
    --tlscacert "$pki/ca.pem" --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem"
pid=$SPAWNED_PID
for ((i = 0; i < 150; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://berth/_ping)" = 403 ] && break
    pid_alive "$pid" || fail "berthd exited before answering (see its log)"
    sleep 0.1
done

# seen FIELD — a field of the request fake-echo was shown, from $OUT.
seen() {
    python3 -c '
import json, sys
body = json.loads(sys.stdin.read())
prefix = "authorization denied by plugin fake-echo: "
assert body["message"].startswith(prefix), body
print(json.dumps(json.loads(body["message"][len(prefix):])[sys.argv[1]]))' "$1" <<<"$OUT"
}

note "over mutual TLS the plugin sees the CN and the client's certificate"
OUT=$(curl -s --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/alice.pem" --key "$pki/alice-key.pem" \
    "https://127.0.0.1:$port/v1.43/containers/json")
assert_eq '"alice"' "$(seen user)" "user over TLS"
assert_eq '"TLS"' "$(seen authn_method)" "authn_method over TLS"
pem=$(seen peer_certs_pem | python3 -c 'import json, sys; print(json.load(sys.stdin), end="")')
assert_contains "$pem" "-----BEGIN CERTIFICATE-----" "peer_certs_pem is PEM"
# The same certificate, compared by fingerprint (PEM line wrapping may differ).
assert_eq "$(openssl x509 -noout -fingerprint -sha256 -in "$pki/alice.pem")" \
    "$(openssl x509 -noout -fingerprint -sha256 <<<"$pem")" "peer_certs_pem holds alice's certificate"

note "over the unix socket: the uid, and no certificates"
OUT=$(curl -s --max-time 10 --unix-socket "$SOCK" http://berth/v1.43/containers/json)
assert_eq "\"uid:$(id -u)\"" "$(seen user)" "user over the unix socket"
assert_eq null "$(seen peer_certs_pem)" "no certificates over the unix socket"
