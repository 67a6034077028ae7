#!/usr/bin/env bash
# image_pull_faults.sh — pulls are all or nothing. Against fault_registry.py
# (a registry that misbehaves per repository), every bad pull must fail with
# a message that names the cause (the layer's digest, "unauthorized", ...)
# and leave the data root exactly as it was: no image, no layer record, no
# blob, no temp ingest file, no storage layer, no mount. Then a correct pull
# and a pull that needs a resume (connection dropped once) succeed. The same
# failures through the docker CLI exit 1 and print the error.
#
# Time: truncated/img and dropped/img fail only after berthd's blob retries
# (5 retries, backoff 1+2+4+8+16 s), so each takes ~31 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"

command -v python3 >/dev/null || skip "python3 not installed"
command -v docker >/dev/null || skip "docker CLI not installed"
export DOCKER_CONFIG="$T/docker-config"
mkdir -p "$DOCKER_CONFIG"
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH

# --- the fake registry ----------------------------------------------------------

python3 "$SOURCE_DIR/tests/integration/fault_registry.py" >"$T/fault-registry.out" 2>"$T/fault-registry.log" &
IT_PIDS+=("$!")
IT_LOGS+=("$T/fault-registry.log")
FR_PID=$!
for ((i = 0; i < 300; i++)); do
    [ -s "$T/fault-registry.out" ] && break
    pid_alive "$FR_PID" || fail "fault_registry.py exited before printing its port"
    sleep 0.1
done
FR_PORT=$(head -n1 "$T/fault-registry.out")
[ -n "$FR_PORT" ] || fail "fault_registry.py printed no port within 30 s"
FR=127.0.0.1:$FR_PORT
curl -sf --max-time 5 "http://$FR/_fault/info" >"$T/fault-info.json" || fail "fault registry on $FR does not answer"

# fault_info REPO FIELD — a field of /_fault/info for one repository.
fault_info() {
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]]; print(" ".join(v) if isinstance(v,list) else v)' \
        "$T/fault-info.json" "$1" "$2"
}

start_berthd

# Everything a failed pull could leave: the image stores (image_state), the
# storage driver's layer directories, and mounts below $T.
full_state() {
    image_state
    echo "== storage"
    find "$T/data/storage" -mindepth 2 -maxdepth 2 2>/dev/null | sort
    echo "== mounts"
    mounts_below_t
}

# pull_api REPO [TAG] — POST /images/create, the stream into $T/pull.out.
# Sets PULL_STATUS and PULL_ERROR (the errorDetail message, or the error
# body's message when the status is not 200; "" when there is none).
pull_api() {
    local repo=$1 tag=${2:-latest}
    PULL_STATUS=$(curl -sN --max-time 150 --unix-socket "$SOCK" -X POST -o "$T/pull.out" -w '%{http_code}' \
        "http://berth/images/create?fromImage=$FR/$repo&tag=$tag") || PULL_STATUS=000
    PULL_ERROR=$(python3 -c '
import json, sys
text = open(sys.argv[1]).read()
if sys.argv[2] != "200":
    try:
        print(json.loads(text).get("message", text))
    except Exception:
        print(text)
    sys.exit(0)
for line in text.splitlines():
    line = line.strip()
    if not line:
        continue
    m = json.loads(line)
    if "errorDetail" in m:
        print(m["errorDetail"].get("message", ""))
' "$T/pull.out" "$PULL_STATUS") || fail "pull of $repo:$tag: the response is not a JSON progress stream:
$(cat "$T/pull.out")"
}

# stream_statuses ID — the statuses $T/pull.out carries for one id, one a line.
stream_statuses() {
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        m = json.loads(line)
        if m.get("id") == sys.argv[2]:
            print(m.get("status", ""))
' "$T/pull.out" "$1"
}

# bad_pull REPO TAG WHAT NEEDLE... — the pull must fail (an error status or
# an errorDetail), its message must contain every NEEDLE, and the data root
# must be exactly as before.
bad_pull() {
    local repo=$1 tag=$2 what=$3 needle before after
    shift 3
    note "pull $repo:$tag ($what) fails and leaves nothing"
    before=$(full_state)
    local t0=$SECONDS
    pull_api "$repo" "$tag"
    [ -n "$PULL_ERROR" ] || fail "pull of $repo:$tag ($what): expected a failure, got HTTP $PULL_STATUS with:
$(cat "$T/pull.out")"
    echo "    HTTP $PULL_STATUS after $((SECONDS - t0)) s: $PULL_ERROR"
    if [ "$PULL_STATUS" != 200 ]; then
        [ "${PULL_STATUS:0:1}" == 4 ] || [ "${PULL_STATUS:0:1}" == 5 ] ||
            fail "pull of $repo:$tag: expected 200 with an errorDetail or a 4xx/5xx, got HTTP $PULL_STATUS"
    else
        assert_not_contains "$(cat "$T/pull.out")" "Status: Downloaded newer image" "pull of $repo:$tag stream"
    fi
    for needle in "$@"; do
        assert_contains "$PULL_ERROR" "$needle" "error of the pull of $repo:$tag ($what)"
    done
    after=$(full_state)
    [ "$before" == "$after" ] || fail "pull of $repo:$tag ($what) changed the data root:
$(diff <(echo "$before") <(echo "$after"))"
    assert_not_contains "$after" "TEMP " "temp files after the pull of $repo:$tag"
    local sep=:
    [ "${tag#sha256:}" == "$tag" ] || sep=@
    api GET "/images/$FR/$repo$sep$tag/json"
    assert_status 404 "inspect $repo$sep$tag after its failed pull"
}

# good_pull REPO — the pull succeeds and the image's ID is the config digest.
good_pull() {
    local repo=$1 out id
    note "pull $repo succeeds"
    pull_api "$repo"
    assert_eq 200 "$PULL_STATUS" "pull of $repo: HTTP status ($(cat "$T/pull.out"))"
    assert_eq "" "$PULL_ERROR" "pull of $repo: errorDetail"
    out=$(cat "$T/pull.out")
    assert_contains "$out" "Status: Downloaded newer image for $FR/$repo:latest" "pull of $repo stream"
    assert_contains "$out" "Digest: $(fault_info "$repo" manifest)" "pull of $repo stream"
    for layer in $(fault_info "$repo" layers); do
        assert_contains "$(stream_statuses "${layer:7:12}")" "Pull complete" "pull of $repo: statuses of layer $layer"
    done
    api GET "/images/$FR/$repo:latest/json"
    assert_status 200 "inspect $repo after its pull"
    id=$(json_eval 'd["Id"]' <<<"$HTTP_BODY")
    assert_eq "$(fault_info "$repo" config)" "$id" "image ID of $repo"
    assert_eq "$(fault_info "$repo" diff_ids)" "$(json_eval '" ".join(d["RootFS"]["Layers"])' <<<"$HTTP_BODY")" \
        "RootFS.Layers of $repo"
    assert_not_contains "$(image_state)" "TEMP " "temp files after the pull of $repo"
}

# Something in the store first, so "nothing changed" is not just "empty".
import_busybox

bad_pull wrongdigest/img latest "layer bytes do not hash to the digest" \
    "$(fault_info wrongdigest/img bad_layer)" "digest"
bad_pull badmanifest/img latest "Docker-Content-Digest lies" "manifest digest mismatch"
bad_pull badmanifest/img "$(fault_info badmanifest/img manifest)" "by digest: wrong bytes" \
    "manifest digest mismatch" "$(fault_info badmanifest/img manifest)"
bad_pull noauth/img latest "401 without a challenge" "unauthorized"
bad_pull truncated/img latest "short body, every time" \
    "$(fault_info truncated/img bad_layer)" "unexpected EOF"
bad_pull dropped/img latest "connection reset, every time" "$(fault_info dropped/img bad_layer)"

note "docker pull reports the failure and exits 1"
before=$(full_state)
rc=0
out=$(docker -H "$HOST" pull "$FR/wrongdigest/img:latest" 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status of 'docker pull $FR/wrongdigest/img' (output: $out)"
assert_contains "$out" "$(fault_info wrongdigest/img bad_layer)" "docker pull $FR/wrongdigest/img output"
rc=0
out=$(docker -H "$HOST" pull "$FR/badmanifest/img:latest" 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status of 'docker pull $FR/badmanifest/img' (output: $out)"
assert_contains "$out" "manifest digest mismatch" "docker pull $FR/badmanifest/img output"
assert_eq "$before" "$(full_state)" "data root after the failed docker pulls"

good_pull good/img
good_pull flaky/img
# The flaky layer really was cut once and then resumed with a Range request.
flaky_layer=$(fault_info flaky/img bad_layer)
requests=$(curl -sf --max-time 5 "http://$FR/_fault/requests")
assert_match "$requests" "^GET /v2/flaky/img/blobs/$flaky_layer bytes=[1-9][0-9]*-\$" \
    "requests for flaky/img's cut layer (a resume from where it broke)"

note "docker pull of a good image"
rc=0
out=$(docker -H "$HOST" pull "$FR/good/img:latest" 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'docker pull $FR/good/img' (output: $out)"
assert_contains "$out" "Image is up to date for $FR/good/img:latest" "docker pull of an image already there"

# Last, as it hangs when it fails: the CLI answers an HTTP 401 from
# /images/create by prompting for a login and retrying (dockerd never sends
# 401 for a pull: a registry's "unauthorized" is a 500 there). With no
# terminal it must still just fail.
note "docker pull of an image the registry refuses (401) exits 1"
before=$(full_state)
rc=0
out=$(timeout 30 docker -H "$HOST" pull "$FR/noauth/img:latest" </dev/null 2>&1) || rc=$?
[ "$rc" != 124 ] || fail "'docker pull $FR/noauth/img' did not finish within 30 s (a login prompt?):
$out"
assert_eq 1 "$rc" "exit status of 'docker pull $FR/noauth/img' (output: $out)"
assert_contains "$out" "unauthorized" "docker pull $FR/noauth/img output"
assert_not_contains "$out" "Username" "docker pull $FR/noauth/img output (a login prompt)"
assert_eq "$before" "$(full_state)" "data root after the failed docker pull of noauth/img"

# The storage driver holds exactly the layers the records name.
note "no storage layer without a record"
cache_ids=$(for f in "$T"/data/image/overlay2/layerdb/sha256/*/cache-id; do cat "$f"; echo; done | sort)
storage_dir=$(find "$T/data/storage" -mindepth 1 -maxdepth 1 -type d | head -n1)
dirs=$(find "$storage_dir" -mindepth 1 -maxdepth 1 ! -name l ! -name '.*' -printf '%f\n' | sort)
assert_eq "$cache_ids" "$dirs" "storage layers in $storage_dir vs layer records' cache-ids"
