#!/usr/bin/env bash
# docker_cli.sh — the stock docker CLI and raw HTTP against berthd: version
# negotiation, /_ping headers, API version bounds and error bodies, as a
# Docker Engine API 1.44 server must answer them.
. "$(dirname "$0")/lib.sh"

command -v docker >/dev/null || skip "docker CLI not installed"
command -v curl >/dev/null || skip "curl not installed"

# The CLI must talk to this daemon only: no user config, context, or pinned
# API version (a pinned version would skip the negotiation under test).
export DOCKER_CONFIG="$T/docker-config"
mkdir -p "$DOCKER_CONFIG"
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH

start_berthd

note "docker version"
rc=0
out=$(docker -H "$HOST" version 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'docker version' (output: $out)"
server=$(sed -n '/^Server:/,$p' <<<"$out")
[ -n "$server" ] || fail "docker version: expected a 'Server:' section, got:
$out"
assert_match "$server" '^[[:space:]]*API version:[[:space:]]+1\.44([[:space:]]|$)' \
    "docker version: server API version"
assert_match "$server" "^[[:space:]]*Version:[[:space:]]+${BERTH_VERSION//./\\.}([[:space:]]|\$)" \
    "docker version: server version"

note "docker info"
rc=0
out=$(docker -H "$HOST" info 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'docker info' (output: $out)"
assert_match "$out" "^[[:space:]]*Server Version:[[:space:]]+${BERTH_VERSION//./\\.}" "docker info"
assert_match "$out" '^[[:space:]]*Storage Driver:[[:space:]]+[^[:space:]]+' "docker info"

note "GET /_ping"
api GET /_ping
assert_status 200 "GET /_ping"
assert_eq OK "$HTTP_BODY" "GET /_ping body"

note "HEAD /_ping"
rc=0
headers=$(curl -sfI --max-time 10 --unix-socket "$SOCK" http://berth/_ping | tr -d '\r') || rc=$?
assert_eq 0 "$rc" "HEAD /_ping curl status"
# Header names are case-insensitive (Go clients canonicalise them); values
# are compared exactly.
header() { grep -i "^$1:" <<<"$headers" | head -n1 | sed 's/^[^:]*:[[:space:]]*//'; }
assert_eq 1.44 "$(header Api-Version)" "HEAD /_ping Api-Version header (headers: $headers)"
assert_eq linux "$(header Ostype)" "HEAD /_ping Ostype header (headers: $headers)"
assert_ne "" "$(header Server)" "HEAD /_ping Server header (headers: $headers)"
assert_ne "" "$(header Builder-Version)" "HEAD /_ping Builder-Version header (headers: $headers)"

note "GET /v1.24/version (the oldest supported version)"
api GET /v1.24/version
assert_status 200 "GET /v1.24/version"
assert_eq "$BERTH_VERSION" "$(json_eval 'd["Version"]' <<<"$HTTP_BODY")" "/v1.24/version Version"
assert_eq 1.44 "$(json_eval 'd["ApiVersion"]' <<<"$HTTP_BODY")" "/v1.24/version ApiVersion"

note "GET /v1.99/version (too new)"
api GET /v1.99/version
assert_status 400 "GET /v1.99/version"
assert_eq application/json "$HTTP_CTYPE" "Content-Type of the 400"
assert_contains "$(json_eval 'd["message"]' <<<"$HTTP_BODY")" "too new" "/v1.99/version message"

note "GET /v1.44/nope (no such route)"
api GET /v1.44/nope
assert_status 404 "GET /v1.44/nope"
assert_eq application/json "$HTTP_CTYPE" "Content-Type of the 404"
msg=$(json_eval 'd["message"]' <<<"$HTTP_BODY")
assert_ne "" "$msg" "/v1.44/nope message"
