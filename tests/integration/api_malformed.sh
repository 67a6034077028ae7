#!/usr/bin/env bash
# api_malformed.sh — malformed requests against a real berthd over its unix
# socket get Docker's 400-class answers and never take the daemon down: bad
# JSON and wrong types on the create endpoints (containers, networks,
# volumes, execs), a body above the daemon's limit, unknown fields (Docker
# ignores them), invalid names, paths with '..' (plain and %-encoded), a
# non-numeric API version, an oversized header and a bogus method. After
# each one /_ping still answers 200. (container_bad_requests.sh covers the
# container create body's semantic errors; this test does not repeat them.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
# Its networks are bridges: berthd runs in a network namespace of its own.
. "$(dirname "$0")/network_lib.sh"

nt_setup
P=am$$
V=/v1.43

# As in container_bad_requests.sh: a wrong reply is recorded and the next
# request still goes out, so one run lists all of them.
AM_FAILED=()
soft() {
    (
        set -e
        "$@"
    ) || AM_FAILED+=("${*: -1}")
}

still_serving() { # WHAT
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --unix-socket "$SOCK" http://berth/_ping) ||
        status=000
    assert_eq 200 "$status" "after $1: /_ping"
    pid_alive "$BERTHD_PID" || fail "after $1: berthd exited"
}

message() { printf '%s' "$HTTP_BODY" | json_eval 'd["message"]'; }

# expect STATUS MESSAGE WHAT — exactly this status and {"message": MESSAGE}.
expect() { soft _expect "$@"; }
_expect() {
    assert_status "$1" "$3"
    assert_eq application/json "$HTTP_CTYPE" "$3: Content-Type"
    assert_eq "$2" "$(message)" "$3: message"
    still_serving "$3"
}

# expect_prefix STATUS PREFIX WHAT — the message starts with PREFIX (Go's
# JSON decoder words its errors its own way; only Docker's prefix is ours).
expect_prefix() { soft _expect_prefix "$@"; }
_expect_prefix() {
    assert_status "$1" "$3"
    local msg
    msg=$(message)
    [ -n "$msg" ] || fail "$3: empty message"
    case "$msg" in "$2"*) ;; *) fail "$3: message should start with '$2', got '$msg'" ;; esac
    still_serving "$3"
}

# expect_ok STATUS WHAT — success with this status.
expect_ok() { soft _expect_ok "$@"; }
_expect_ok() {
    assert_status "$1" "$2"
    still_serving "$2"
}

# raw REQUEST-FILE — send the bytes of REQUEST-FILE as they are (no path
# normalisation, any method, any header size) and read the answer. Sets
# HTTP_STATUS, HTTP_BODY and HTTP_CTYPE like api does.
raw() {
    local out
    out=$(python3 - "$SOCK" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
try:
    s.sendall(open(sys.argv[2], "rb").read())
except OSError:
    pass  # the daemon may answer and close before it read everything
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            head, _, body = data.partition(b"\r\n\r\n")
            length = [l.split(b":", 1)[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if length and len(body) >= int(length[0]):
                break
except OSError:
    pass
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
status = lines[0].split(" ")[1] if lines and lines[0].startswith("HTTP/") else "000"
ctype = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("content-type:")), "")
print(status)
print(ctype)
sys.stdout.write(body.decode("utf-8", "replace"))
EOF
    ) || out=$'000\n'
    HTTP_STATUS=$(sed -n 1p <<<"$out")
    HTTP_CTYPE=$(sed -n 2p <<<"$out")
    HTTP_BODY=$(sed -n '3,$p' <<<"$out")
}

# raw_get METHOD TARGET — one request line, as written.
raw_get() {
    printf '%s %s HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n\r\n' "$1" "$2" >"$T/raw"
    raw "$T/raw"
}

note "bad JSON and wrong types on the create endpoints"
# dockerd: "invalid JSON: " + Go's decoder error, 400, for every create.
for body in '{"Name": ' 'not json' '[1,2]' '{"Name": 42}' '{"Labels": "a=b"}'; do
    api POST "$V/volumes/create" "$body"
    expect_prefix 400 "" "volume create with body '$body'"
done
for body in '{"Name": ' 'not json' '[1,2]' '{"Name": 42}' '{"Name":"x","Internal":"yes"}' \
    '{"Name":"x","IPAM":{"Config":"10.0.0.0/8"}}' '{"Name":"x","Labels":["a"]}'; do
    api POST "$V/networks/create" "$body"
    expect_prefix 400 "" "network create with body '$body'"
done
for body in '{"Image": "busybox", "Cmd": ' '{"Image": "busybox", "Tty": "yes"}' \
    '{"Image": "busybox", "HostConfig": "none"}' '{"Image": "busybox", "Env": "A=1"}' \
    '{"Image": "busybox", "HostConfig": {"Memory": "lots"}}' '{"Image": "busybox", "HostConfig": {"Mounts": {}}}'; do
    api POST "$V/containers/create" "$body"
    expect_prefix 400 "" "container create with body '$body'"
done

note "exec create: bad JSON and wrong types on a running container"
dk_ok run -d --network none --name "$P-run" busybox sleep 300
for body in '{"Cmd": ' 'not json' '[]' '{"Cmd": ["true"], "Tty": "yes"}' '{"Cmd": ["true"], "Env": "A=1"}' \
    '{"Cmd": [1, 2]}'; do
    api POST "$V/containers/$P-run/exec" "$body"
    expect_prefix 400 "" "exec create with body '$body'"
done
# dockerd decodes the body before it looks the container up.
api POST "$V/containers/$P-run/exec" '{"Cmd": []}'
expect 400 "No exec command specified" "exec create without a command"
api POST "$V/containers/$P-nosuch/exec" '{"Cmd": '
expect_prefix 400 "" "exec create with bad JSON on an unknown container"
api POST "$V/containers/$P-run/exec" '{"Cmd": ["true"], "NoSuchField": {"x": 1}}'
expect_ok 201 "exec create with an unknown field"

note "unknown fields are ignored, as Docker ignores them"
api POST "$V/volumes/create" "{\"Name\":\"$P-vol\",\"NoSuchField\":[1,2,3],\"Labels\":{\"a\":\"b\"}}"
expect_ok 201 "volume create with an unknown field"
api POST "$V/networks/create" "{\"Name\":\"$P-net\",\"NoSuchField\":{\"x\":true}}"
expect_ok 201 "network create with an unknown field"
api POST "$V/containers/create?name=$P-unk" \
    '{"Image":"busybox","Cmd":["true"],"NoSuchField":1,"HostConfig":{"NetworkMode":"none","AlsoUnknown":"x"}}'
expect_ok 201 "container create with unknown fields"

note "invalid names"
api POST "$V/containers/create?name=a/b" '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}'
expect 400 "Invalid container name (a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" "container name a/b"
api POST "$V/containers/create?name=has%20space" '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}'
expect 400 "Invalid container name (has space), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" "container name with a space"
api POST "$V/containers/create?name=..%2F..%2Fetc" '{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}'
expect 400 "Invalid container name (../../etc), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" "container name ../../etc"
api POST "$V/volumes/create" '{"Name":"a/b"}'
expect 400 "create a/b: \"a/b\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path" \
    "volume name a/b"
api POST "$V/volumes/create" '{"Name":".."}'
expect_prefix 400 "create ..: " "volume name .."
# dockerd refuses only the predefined names (403) and an empty one.
api POST "$V/networks/create" '{"Name":"host"}'
expect 403 "host is a pre-defined network and cannot be created" "network name host"
api POST "$V/networks/create" '{"Name":""}'
expect_prefix 400 "" "network with an empty name"

note "a body above the daemon's limit"
# Announced by Content-Length: refused from the head, before any byte of it.
printf 'POST %s/volumes/create HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{' \
    "$V" $((64 * 1024 * 1024 + 1)) >"$T/raw"
raw "$T/raw"
expect 413 "request body is larger than the daemon accepts" "a body of 64 MiB + 1 (Content-Length)"
# Chunked, so the daemon only finds out while reading.
python3 - "$T/raw" "$V" <<'EOF'
import sys
chunk = b"x" * (1024 * 1024)
with open(sys.argv[1], "wb") as f:
    f.write(b"POST %s/volumes/create HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" % sys.argv[2].encode())
    for _ in range(65):
        f.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    f.write(b"0\r\n\r\n")
EOF
raw "$T/raw"
expect 413 "request body is larger than the daemon accepts" "a chunked body of 65 MiB"
rm -f "$T/raw"

note "paths with '..' reach no file"
for target in "$V/containers/../../etc/passwd/json" "/containers/../../../etc/passwd/json" \
    "$V/volumes/../../../etc/passwd" "$V/images/../../etc/passwd/json"; do
    raw_get GET "$target"
    soft assert_not_contains "$HTTP_BODY" "root:" "GET $target (as sent)"
    # dockerd cleans the path first (a redirect to /etc/passwd/json, no
    # route); berthd answers no route at once.
    expect 404 "page not found" "GET $target (as sent)"
done
raw_get GET "/containers/%2e%2e/json"
expect 404 "No such container: .." "GET /containers/%2e%2e/json"
raw_get GET "$V/containers/%2e%2e%2f%2e%2e%2fetc%2fpasswd/json"
expect 404 "No such container: ../../etc/passwd" "GET a %-encoded ../../etc/passwd container"
raw_get GET "$V/volumes/%2e%2e"
expect 404 "get ..: no such volume" "GET /volumes/%2e%2e"
raw_get DELETE "$V/volumes/%2e%2e"
expect 404 "get ..: no such volume" "DELETE /volumes/%2e%2e"
[ -d "$T/data" ] || fail "the data root is gone after DELETE /volumes/%2e%2e"

note "API version prefixes"
# dockerd routes only /v<digits and dots>/...: anything else is no route.
raw_get GET "/vabc/_ping"
expect 404 "page not found" "GET /vabc/_ping"
raw_get GET "/v1.x/version"
expect 404 "page not found" "GET /v1.x/version"
raw_get GET "/v99.0/version"
expect_prefix 400 "client version 99.0 is too new" "GET /v99.0/version"

note "an oversized header and a bogus method"
python3 - "$T/raw" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"GET /_ping HTTP/1.1\r\nHost: berth\r\nX-Big: " + b"a" * (65 * 1024) + b"\r\n\r\n")
EOF
raw "$T/raw"
# Go's net/http answers 431 beyond its (1 MiB) header limit; berthd's is 64 KiB.
soft assert_status 431 "a 65 KiB header"
still_serving "a 65 KiB header"
raw_get BREW "/_ping"
# dockerd answers an unknown method on a known path as an unknown path.
soft assert_status 404 "method BREW"
still_serving "method BREW"
printf 'GET\r\n\r\n' >"$T/raw"
raw "$T/raw"
expect_prefix 400 "malformed HTTP request" "a request line without a target"

note "clean-up"
dk_ok rm -f "$P-run" "$P-unk"
dk_ok volume rm "$P-vol"
dk_ok network rm "$P-net"
if [ ${#AM_FAILED[@]} -gt 0 ]; then
    echo "== ${#AM_FAILED[@]} wrong replies:"
    printf '   %s\n' "${AM_FAILED[@]}"
    exit 1
fi
echo PASS
