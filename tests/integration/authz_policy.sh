#!/usr/bin/env bash
# authz_policy.sh — the acceptance test of authorization plugins: berthd with
# the bundled authz-policy plugin, a read-only user "alice" (her client
# certificate's CN) over mutual TLS and root over the unix socket:
#   - alice may `docker ps` but `docker rm` is refused with moby's message,
#     and the container is still there; root may remove it;
#   - an edit of the policy file takes effect on the next request;
#   - a user the policy does not know is refused even /_ping; the docker CLI
#     still prints the plugin's message (see docs/authorization.md);
#   - a client without a valid certificate cannot connect at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

command -v docker >/dev/null || skip "docker CLI not installed"
command -v runc >/dev/null || skip "runc not installed"

make_ca ca
make_ca rogue
make_cert ca server berthd serverAuth
make_cert ca alice alice clientAuth
make_cert ca bob bob clientAuth
make_cert rogue intruder alice clientAuth # alice's name, the wrong CA

policy=$T/authz.json
# write_policy JSON — replace the policy by rename, as an editor would.
write_policy() {
    printf '%s\n' "$1" >"$policy.tmp"
    mv "$policy.tmp" "$policy"
}
read_only='{"rules": [
  {"users": ["alice"], "allow": [
     {"method": "GET", "path": "/_ping"},
     {"method": "GET", "path": "/version"},
     {"method": "GET", "path": "/containers/**"},
     {"method": "GET", "path": "/images/**"}]},
  {"users": ["uid:0"], "allow": [{"method": "*", "path": "/**"}]}
]}'
write_policy "$read_only"
cat >"$T/daemon.json" <<JSON
{"authorization-plugins": ["authz-policy"],
 "plugin-config": {"authz-policy": {"policy": "$policy"}}}
JSON

port=$(free_tcp_port)
start_berthd --config-file "$T/daemon.json" -H "tcp://127.0.0.1:$port" --tlsverify \
    --tlscacert "$pki/ca.pem" --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem"

export DOCKER_CONFIG="$T/docker-config"
mkdir -p "$DOCKER_CONFIG"
unset DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_HOST

# as USER ARGS... — the stock docker CLI as USER: "root" over the unix
# socket, anyone else over mutual TLS with USER's certificate. Sets OUT, RC.
as() {
    local who=$1
    shift
    RC=0
    if [ "$who" = root ]; then
        OUT=$(docker -H "$HOST" "$@" 2>&1) || RC=$?
    else
        OUT=$(docker --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/$who.pem" --tlskey "$pki/$who-key.pem" \
            -H "tcp://127.0.0.1:$port" "$@" 2>&1) || RC=$?
    fi
}
as_ok() {
    as "$@"
    assert_eq 0 "$RC" "exit status of 'docker $*' (output: $OUT)"
}

note "/info lists the authorization plugin"
api GET /v1.44/info
assert_status 200 "GET /info as root"
assert_eq '["authz-policy"]' "$(printf '%s' "$HTTP_BODY" | json_eval 'd["Plugins"]["Authorization"]')" \
    "Plugins.Authorization"

note "root (uid:0 over the unix socket) may do everything: import busybox, create a container"
bash "$SOURCE_DIR/scripts/lib/busybox-rootfs.sh" "$T/busybox.tar" ||
    skip "no static busybox (apt-get install busybox-static)"
curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' --data-binary "@$T/busybox.tar" \
    "http://berth/v1.44/images/create?fromSrc=-&repo=busybox&tag=latest&changes=CMD%20%5B%22sh%22%5D" >/dev/null ||
    fail "importing busybox as root failed"
as_ok root create --name web busybox true

note "alice (certificate CN over mutual TLS) may list containers"
as_ok alice ps -a --format '{{.Names}}'
assert_eq web "$OUT" "docker ps -a as alice"
as_ok alice version --format '{{.Server.Version}}'

note "alice may not remove one: 403 with the plugin's message, and the container stays"
as alice rm web
assert_eq 1 "$RC" "exit status of docker rm as alice (output: $OUT)"
assert_eq "Error response from daemon: authorization denied by plugin authz-policy: user alice is not allowed to DELETE /containers/web" \
    "$OUT" "docker rm as alice"
as_ok root ps -a --format '{{.Names}}'
assert_eq web "$OUT" "containers after alice's refused rm"
out=$(curl -s --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/alice.pem" --key "$pki/alice-key.pem" \
    -X DELETE -w ' %{http_code}' "https://127.0.0.1:$port/v1.44/containers/web")
assert_eq '{"message":"authorization denied by plugin authz-policy: user alice is not allowed to DELETE /containers/web"} 403' \
    "$out" "DELETE as alice over the API"

note "the berth CLI shows the same message"
out=$("$BERTH" -H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/alice.pem" \
    --tlskey "$pki/alice-key.pem" rm web 2>&1) && fail "berth rm as alice succeeded: $out"
assert_contains "$out" "authorization denied by plugin authz-policy: user alice is not allowed to DELETE /containers/web" \
    "berth rm as alice"

note "an edit of the policy file applies to the next request"
write_policy '{"rules": [
  {"users": ["alice"], "allow": [{"method": "*", "path": "/_ping"}, {"method": "*", "path": "/containers/**"}]},
  {"users": ["uid:0"], "allow": [{"method": "*", "path": "/**"}]}
]}'
as_ok alice rm web
as_ok root ps -a --format '{{.Names}}'
assert_eq "" "$OUT" "containers after alice's allowed rm"
write_policy "$read_only"
as_ok root create --name web2 busybox true
as alice rm web2
assert_eq 1 "$RC" "docker rm as alice after the policy was narrowed again (output: $OUT)"
as_ok root rm web2

note "a broken policy file denies everyone (root too) until it is fixed"
write_policy '{"rules": [{"users": ["uid:0"]}]}'
api GET /v1.44/containers/json
assert_status 403 "GET /containers/json as root with a broken policy"
assert_contains "$HTTP_BODY" "rules[0]: \\\"allow\\\" is required" "the policy error reaches the client"
write_policy "$read_only"
api GET /v1.44/containers/json
assert_status 200 "GET /containers/json as root once the policy is fixed"

note "a user the policy does not know is refused everything, /_ping included"
out=$(curl -s --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/bob.pem" --key "$pki/bob-key.pem" \
    -w ' %{http_code}' "https://127.0.0.1:$port/_ping")
assert_eq '{"message":"authorization denied by plugin authz-policy: user bob is not allowed to GET /_ping"} 403' \
    "$out" "/_ping as bob"
# The CLI pings first to negotiate the API version; a refused ping must not
# hide the plugin's answer to the real request.
as bob ps
assert_eq 1 "$RC" "exit status of docker ps as bob (output: $OUT)"
note "docker ps as bob: $OUT"
assert_contains "$OUT" "authorization denied by plugin authz-policy: user bob is not allowed to GET /containers/json" \
    "docker ps as bob"

note "no client certificate, or one from another CA: no connection at all"
if curl -s --max-time 10 --cacert "$pki/ca.pem" "https://127.0.0.1:$port/_ping" >/dev/null 2>&1; then
    fail "a client without a certificate was served"
fi
as intruder ps
assert_ne 0 "$RC" "exit status of docker ps with a certificate from another CA"
assert_not_contains "$OUT" "authorization denied" "a client with a bad certificate reached authorization"
