#!/usr/bin/env bash
# container_bad_requests.sh — malformed or impossible container requests get
# dockerd's status code and message (JSON {"message"}), and berthd keeps
# serving after each one (/_ping answers).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=br$$
V=/v1.43

# A failed expectation is recorded and the next request still goes out,
# so one run lists every wrong reply; the test fails at the end.
BR_FAILED=()
soft() { # FUNCTION ARGS... — run an assertion function, recording a failure
    (
        set -e
        "$@"
    ) || BR_FAILED+=("${*: -1}")
}

# expect STATUS MESSAGE WHAT — the last api reply has STATUS, the JSON
# content type and exactly MESSAGE; then berthd still answers /_ping.
expect() { soft _expect "$@"; }
_expect() {
    assert_status "$1" "$3"
    assert_eq application/json "$HTTP_CTYPE" "$3: Content-Type"
    local msg
    msg=$(printf '%s' "$HTTP_BODY" | json_eval 'd["message"]')
    assert_eq "$2" "$msg" "$3: message"
    still_serving "$3"
}

# expect_prefix STATUS PREFIX WHAT — as expect, the message starting with
# PREFIX (Go's JSON decoder wording differs from any C++ parser's).
expect_prefix() { soft _expect_prefix "$@"; }
_expect_prefix() {
    assert_status "$1" "$3"
    local msg
    msg=$(printf '%s' "$HTTP_BODY" | json_eval 'd["message"]')
    [ -n "$msg" ] || fail "$3: empty message"
    case "$msg" in "$2"*) ;; *) fail "$3: message should start with '$2', got '$msg'" ;; esac
    still_serving "$3"
}

still_serving() {
    local body
    body=$(curl -sf --max-time 5 --unix-socket "$SOCK" http://berth/_ping) ||
        fail "after $1: /_ping does not answer"
    assert_eq OK "$body" "after $1: /_ping"
    pid_alive "$BERTHD_PID" || fail "after $1: berthd exited"
}

create() { # BODY [QUERY]
    api POST "$V/containers/create${2:+?$2}" "$1"
}

note "bad JSON bodies"
# dockerd: "invalid JSON: " + Go's decoder error (wording of the latter
# is Go's own, so only the prefix is compared).
create '{"Image": "busybox", '
expect_prefix 400 "invalid JSON: " "create with a truncated JSON body"
create 'not json at all'
expect_prefix 400 "invalid JSON: " "create with a body that is not JSON"
create '["Image"]'
expect_prefix 400 "invalid JSON: " "create with a JSON array body"
create '{"Image": 42}'
expect_prefix 400 "invalid JSON: " "create with a number for Image"
api POST "$V/containers/create"
expect 400 "invalid JSON: got EOF while reading request body" "create with no body"

note "unknown image"
create '{"Image":"nosuchimage:latest"}'
expect 404 "No such image: nosuchimage:latest" "create from an unknown image"
create '{"Image":"nosuchimage"}'
expect 404 "No such image: nosuchimage:latest" "create from an unknown image without a tag"
create '{"Image":"Bad Reference"}'
expect_prefix 400 "invalid reference format" "create from an invalid reference"

note "bad restart policies"
create '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"sometimes"}}}'
expect 400 "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" \
    "create with restart policy 'sometimes'"
create '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"always","MaximumRetryCount":3}}}'
expect 400 "invalid restart policy: maximum retry count can only be used with 'on-failure'" \
    "create with always:3"
create '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":-1}}}'
expect 400 "invalid restart policy: maximum retry count cannot be negative" "create with on-failure:-1"
create '{"Image":"busybox","HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}'
expect 400 "can't create 'AutoRemove' container with restart policy" "create with AutoRemove and restart always"

note "bind mount from a missing host path"
create "{\"Image\":\"busybox\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"$T/missing\",\"Target\":\"/x\"}]}}"
expect 400 "invalid mount config for type \"bind\": bind source path does not exist: $T/missing" \
    "create with a bind mount of a missing path"
create '{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"bind","Source":"relative/path","Target":"/x"}]}}'
expect 400 'invalid mount config for type "bind": invalid mount path: '"'"'relative/path'"'"' mount path must be absolute' \
    "create with a relative bind source"
create '{"Image":"busybox","HostConfig":{"Binds":["/tmp:relative"]}}'
expect_prefix 400 "invalid volume specification: '/tmp:relative'" "create with a relative bind target"

note "invalid names"
create '{"Image":"busybox"}' "name=x"
expect 400 "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" "create with name x"
create '{"Image":"busybox"}' "name=bad%20name"
expect 400 "Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" "create with name 'bad name'"

note "name already in use"
create '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}' "name=$P-dup"
assert_status 201 "create $P-dup"
id=$(printf '%s' "$HTTP_BODY" | json_eval 'd["Id"]')
assert_match "$id" '^[0-9a-f]{64}$' "create's Id"
assert_eq "[]" "$(printf '%s' "$HTTP_BODY" | json_eval 'd["Warnings"]')" "create's Warnings"
create '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}' "name=$P-dup"
expect 409 "Conflict. The container name \"/$P-dup\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name." \
    "create with a name in use"
create '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}' "name=/$P-dup"
expect 409 "Conflict. The container name \"/$P-dup\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name." \
    "create with a name in use, given with its leading /"

note "unknown containers"
api GET "$V/containers/$P-nosuch/json"
expect 404 "No such container: $P-nosuch" "inspect of an unknown container"
for op in start stop restart kill wait pause unpause; do
    route_exists POST "$V/containers/$P-nosuch/$op" || { note "POST /containers/{id}/$op is not routed yet: skipped"; continue; }
    api POST "$V/containers/$P-nosuch/$op"
    expect 404 "No such container: $P-nosuch" "POST /containers/{id}/$op of an unknown container"
done
api DELETE "$V/containers/$P-nosuch"
expect 404 "No such container: $P-nosuch" "DELETE of an unknown container"
api GET "$V/containers/$P-nosuch/logs?stdout=1"
expect 404 "No such container: $P-nosuch" "logs of an unknown container"

note "operations on a removed container"
api DELETE "$V/containers/$id"
assert_status 204 "DELETE $P-dup"
still_serving "DELETE of a created container"
api POST "$V/containers/$id/start"
expect 404 "No such container: $id" "start of a removed container"
api GET "$V/containers/$id/json"
expect 404 "No such container: $id" "inspect of a removed container"
create '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}' "name=$P-dup"
assert_status 201 "create with the name of a removed container"

note "bad parameters on an existing container"
id2=$(printf '%s' "$HTTP_BODY" | json_eval 'd["Id"]')
api POST "$V/containers/$id2/kill"
assert_status 409 "kill of a created container"
assert_icontains "$HTTP_BODY" "container $id2 is not running" "kill of a created container"
still_serving "kill of a created container"
api POST "$V/containers/$id2/wait?condition=bogus"
expect_prefix 400 "" "wait with condition=bogus"
api POST "$V/containers/$id2/stop?t=abc"
expect_prefix 400 "" "stop with t=abc"
api GET "$V/containers/json?filters=%7Bnot-json"
expect_prefix 400 "" "ps with malformed filters"
api GET "$V/containers/json?filters=%7B%22nosuchfilter%22%3A%7B%22x%22%3Atrue%7D%7D"
expect 400 "invalid filter 'nosuchfilter'" "ps with an unknown filter"
api POST "$V/containers/create" "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":1024}}"
expect 400 "Minimum memory limit allowed is 6MB" "create with Memory 1024"
api POST "$V/containers/create" "{\"Image\":\"busybox\",\"HostConfig\":{\"CapAdd\":[\"CAP_NOSUCH\"]}}"
expect 400 'unknown capability: "CAP_NOSUCH"' "create with an unknown capability"

note "a flood of garbage does not wedge the daemon"
for i in $(seq 1 30); do
    curl -s --max-time 5 --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"Image\": [$i" "http://berth$V/containers/create" >/dev/null || true
done
still_serving "30 truncated create bodies"
dk_ok ps -a -q
if [ ${#BR_FAILED[@]} -gt 0 ]; then
    echo "== ${#BR_FAILED[@]} wrong replies:"
    printf '   %s\n' "${BR_FAILED[@]}"
    exit 1
fi
echo PASS
