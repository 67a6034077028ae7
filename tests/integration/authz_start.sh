#!/usr/bin/env bash
# authz_start.sh — authorization fails closed at start-up and is configured
# like dockerd's:
#   - a named authorization plugin that is not loaded refuses start;
#   - a malformed policy refuses start, naming the place in the file;
#   - authz-policy without a policy path denies every request;
#   - --authorization-plugin (repeatable) enables plugins like daemon.json,
#     and naming them both ways is refused;
#   - with the flag, requests go through the chain (unix socket, uid:0).
. "$(dirname "$0")/lib.sh"

# refused NAME WHAT NEEDLE ARGS... — berthd with ARGS must exit non-zero
# with NEEDLE in its output.
refused() {
    local name=$1 what=$2 needle=$3
    shift 3
    berthd_spawn "$T/$name.log" --data-root "$T/data-$name" --exec-root "$T/run-$name" \
        -H "unix://$T/$name.sock" "$@"
    wait_exit "$SPAWNED_PID" 30 || fail "berthd kept running with $what"
    reap "$SPAWNED_PID"
    assert_ne 0 "$REAP_RC" "exit status with $what"
    assert_contains "$(cat "$T/$name.log")" "$needle" "start-up refusal with $what"
    [ ! -S "$T/$name.sock" ] || fail "berthd with $what left a socket behind"
}

policy=$T/authz.json
printf '%s\n' '{"rules": [{"users": ["*"], "allow": [{"method": "GET", "path": "/_ping"}]}]}' >"$policy"
printf '{"plugin-config": {"authz-policy": {"policy": "%s"}}}\n' "$policy" >"$T/plugin-config.json"

note "a plugin that is not loaded refuses start"
printf '{"authorization-plugins": ["nope"]}\n' >"$T/missing.json"
refused missing "a missing authorization plugin" \
    'authorization plugin "nope" is not available: no plugin file provides it' --config-file "$T/missing.json"

note "a malformed policy refuses start with the place of the mistake"
printf '%s\n' '{"rules": [{"users": ["alice"], "allow": [{"method": "GET", "path": "containers"}]}]}' >"$T/bad-policy.json"
printf '{"authorization-plugins": ["authz-policy"], "plugin-config": {"authz-policy": {"policy": "%s"}}}\n' \
    "$T/bad-policy.json" >"$T/bad.json"
refused bad "a malformed policy" \
    "policy $T/bad-policy.json: rules[0].allow[0].path: must be a string starting with \"/\"" --config-file "$T/bad.json"

note "authz-policy without a policy path denies every request (fail closed), naming what is missing"
printf '{"authorization-plugins": ["authz-policy"]}\n' >"$T/nopath.json"
berthd_spawn "$T/nopath.log" --data-root "$T/data-nopath" --exec-root "$T/run-nopath" \
    -H "unix://$T/nopath.sock" --config-file "$T/nopath.json"
nopath_pid=$SPAWNED_PID
# start_berthd's readiness check wants a 200 from /_ping, which never comes.
status=000
for ((i = 0; i < 150; i++)); do
    status=$(curl -s --max-time 2 --unix-socket "$T/nopath.sock" -o "$T/nopath-body" -w '%{http_code}' \
        http://berth/_ping || true)
    [ "$status" = 403 ] && break
    pid_alive "$nopath_pid" || fail "berthd without a policy path exited: $(cat "$T/nopath.log")"
    sleep 0.1
done
assert_eq 403 "$status" "/_ping without a policy"
assert_contains "$(cat "$T/nopath-body")" \
    'authorization denied by plugin authz-policy: authz-policy config: \"policy\" is required' "403 body without a policy"
stop_pid "$nopath_pid"

note "the flag and daemon.json together are refused"
printf '{"authorization-plugins": ["authz-policy"], "plugin-config": {"authz-policy": {"policy": "%s"}}}\n' \
    "$policy" >"$T/both.json"
refused both "the flag and the file" \
    "specified both as a flag and in the configuration file: authorization-plugins" \
    --config-file "$T/both.json" --authorization-plugin authz-policy

note "--authorization-plugin enables the chain"
start_berthd --config-file "$T/plugin-config.json" --authorization-plugin authz-policy
api GET /_ping
assert_status 200 "/_ping allowed by the policy"
api GET /v1.44/version
assert_status 403 "GET /version refused by the policy"
assert_eq '{"message":"authorization denied by plugin authz-policy: user uid:0 is not allowed to GET /version"}' \
    "$HTTP_BODY" "403 body"
api GET /v1.44/nosuchpath
assert_status 403 "an unroutable path is authorized before routing (as moby)"
