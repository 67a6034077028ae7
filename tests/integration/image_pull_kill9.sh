#!/usr/bin/env bash
# image_pull_kill9.sh — a pull survives kill -9 at any moment. An image of
# 8 random (incompressible) layers, ~40 MB, sits in a real docker-registry on
# 127.0.0.1. A clean pull is timed; then, ROUNDS (default 20) times: berthd
# starts a pull and is killed with SIGKILL after a delay (the rounds' delays
# spread over the clean pull's duration; every fifth round the moment a
# download begins), restarts on the same data root, and must
# answer /_ping with a consistent store (the image absent, or complete: it
# inspects and every layer record and storage layer exists), no mount left
# behind, and then finish the pull with the right image ID. The image is
# removed again (rmi + prune) so the next round downloads every layer. Some
# kills must have left a partial download, which the next pull resumes. At
# the end the data root holds no temp file and no storage layer without a
# record. Takes ~30 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"

command -v python3 >/dev/null || skip "python3 not installed"
command -v skopeo >/dev/null || skip "skopeo not installed"

ROUNDS=${BERTH_KILL9_ROUNDS:-20}
LAYERS=8
LAYER_SIZE=$((5 * 1000 * 1000))

# --- the image, in a real registry -----------------------------------------------

start_registry
python3 "$SOURCE_DIR/tests/integration/fault_registry.py" --oci-layout "$T/oci" \
    --layers "$LAYERS" --layer-size "$LAYER_SIZE" >"$T/image.json" || fail "could not write the OCI layout"
CONFIG_DIGEST=$(json_eval 'd["config"]' <"$T/image.json")
DIFF_IDS=$(json_eval '" ".join(d["diff_ids"])' <"$T/image.json")
REF=$REGISTRY/kill9/img:latest
skopeo copy --quiet --dest-tls-verify=false "oci:$T/oci:latest" "docker://$REF" >"$T/skopeo.log" 2>&1 ||
    fail "skopeo could not push the test image: $(cat "$T/skopeo.log")"
rm -rf "$T/oci"
note "test image $REF: $LAYERS layers, $(json_eval 'd["total_size"]' <"$T/image.json") bytes, ID $CONFIG_DIGEST"

# The chain IDs the image's layer records must have (sha256 over
# "<parent chain> <diff_id>", as the image spec says).
CHAIN_IDS=$(python3 -c '
import hashlib, sys
chain = ""
for d in sys.argv[1:]:
    chain = d if not chain else "sha256:" + hashlib.sha256((chain + " " + d).encode()).hexdigest()
    print(chain)
' $DIFF_IDS) # word splitting wanted: one argument per diff_id

# --- helpers ------------------------------------------------------------------

now_ms() { date +%s%3N; }

pull_sync() { # the whole pull; fails the test when it does not succeed
    local out
    out=$(curl -sN --max-time 120 --unix-socket "$SOCK" -X POST \
        "http://berth/images/create?fromImage=$REGISTRY/kill9/img&tag=latest") || fail "pull of $REF: curl failed"
    assert_not_contains "$out" errorDetail "pull of $REF"
    assert_contains "$out" "Status: " "pull of $REF"
}

# The storage driver's layer directories ('l' is overlay2's own link dir, dot files its
# lock files)
# and the cache-ids of the layer records, each sorted.
storage_layers() {
    local d
    for d in "$T"/data/storage/*/; do
        find "$d" -mindepth 1 -maxdepth 1 ! -name l ! -name '.*' -printf '%f\n'
    done 2>/dev/null | sort
}
record_cache_ids() { # (the files hold no newline)
    local f
    for f in "$T"/data/image/overlay2/layerdb/sha256/*/cache-id; do
        [ -f "$f" ] && { cat "$f"; echo; }
    done | sort
}

# The image after a pull: its ID is the config digest, its layers are ours.
check_image_complete() {
    local what=$1 chain
    api GET "/images/$REF/json"
    assert_status 200 "$what: inspect $REF"
    assert_eq "$CONFIG_DIGEST" "$(json_eval 'd["Id"]' <<<"$HTTP_BODY")" "$what: image ID"
    assert_eq "$DIFF_IDS" "$(json_eval '" ".join(d["RootFS"]["Layers"])' <<<"$HTTP_BODY")" "$what: RootFS.Layers"
    for chain in $CHAIN_IDS; do
        [ -s "$T/data/image/overlay2/layerdb/sha256/${chain#sha256:}/cache-id" ] ||
            fail "$what: the image is listed but layer record $chain is missing"
    done
}

# After a restart: the image is absent or complete, no orphans, no mounts.
check_consistent() {
    local what=$1 listed
    api GET /images/json
    assert_status 200 "$what: GET /images/json"
    listed=$(json_eval '" ".join(i["Id"] for i in d if "'"$REF"'" in (i.get("RepoTags") or []))' <<<"$HTTP_BODY")
    if [ -n "$listed" ]; then
        check_image_complete "$what"
    else
        api GET "/images/$REF/json"
        assert_status 404 "$what: inspect of $REF (not listed by /images/json)"
    fi
    assert_eq "$(record_cache_ids)" "$(storage_layers)" "$what: storage layers vs layer records' cache-ids"
    assert_eq "" "$(mounts_below_t)" "$what: mounts below the test dir"
    # Interrupted record writes are finished or rolled back at start; only
    # partial downloads (ingest, kept for resuming) may remain.
    assert_eq "" "$(image_state | grep '^TEMP ' | grep -v '^TEMP ingest/' || true)" "$what: temp records"
}

remove_image() {
    api DELETE "/images/$REF"
    assert_status 200 "DELETE /images/$REF"
    api GET "/images/$REF/json"
    assert_status 404 "inspect $REF after its removal"
    # rmi leaves the blobs to the next gc; prune runs it, so the next round
    # downloads every layer again.
    api POST /images/prune
    assert_status 200 "POST /images/prune"
    assert_eq "" "$(image_state | grep '^blobs/' || true)" "blobs after rmi and prune"
}

# --- one clean pull, timed --------------------------------------------------------

# The first pull runs cold (registry files, connections) and is slower than
# the rest: time three after it and take the median, so the kills spread
# over the pull the rounds will really see.
start_berthd
times=()
for i in 0 1 2 3; do
    t0=$(now_ms)
    pull_sync
    times+=($(($(now_ms) - t0)))
    check_image_complete "clean pull $i"
    remove_image
done
CLEAN_MS=$(printf '%s\n' "${times[@]:1}" | sort -n | sed -n 2p)
note "a clean pull takes $CLEAN_MS ms (runs: ${times[*]} ms)"
assert_eq "" "$(record_cache_ids)" "layer records after removing the only image"

echo '{"max-concurrent-downloads": 1}' >"$T/one-download.json"
INGEST=$T/data/image/overlay2/ingest

# --- the rounds ----------------------------------------------------------------------

ingest_seen=0
for ((round = 1; round <= ROUNDS; round++)); do
    # Stratified: round r dies somewhere in the r-th twentieth of a pull
    # (plus a little past the end, where the records are written).
    span=$((CLEAN_MS * 11 / 10))
    lo=$((span * (round - 1) / ROUNDS))
    hi=$((span * round / ROUNDS))
    delay_ms=$((lo + RANDOM % (hi - lo + 1)))

    curl -sN --max-time 120 --unix-socket "$SOCK" -X POST -o "$T/pull-$round.out" \
        "http://berth/images/create?fromImage=$REGISTRY/kill9/img&tag=latest" 2>/dev/null &
    curl_pid=$!
    if ((round % 5 == 0)); then
        # Every fifth round kills the moment the first download's ingest
        # file exists (often still empty): the earliest point a resume can
        # start from, which a timed kill hits only by luck.
        delay_ms="a download in flight"
        deadline=$((SECONDS + 10))
        until compgen -G "$INGEST/k-*" >/dev/null || ((SECONDS > deadline)); do :; done
    else
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        delay_ms="$delay_ms ms"
    fi
    kill -KILL "$BERTHD_PID"
    reap "$BERTHD_PID"
    wait "$curl_pid" 2>/dev/null || true
    state=$(grep -o '"status":"[^"]*"' "$T/pull-$round.out" 2>/dev/null | tail -n1 || true)
    note "round $round: kill -9 after $delay_ms (last status: ${state:-none})"
    if grep -q '^TEMP ingest/' <<<"$(image_state)"; then ingest_seen=$((ingest_seen + 1)); fi

    # This daemon also runs the next round's pull: every other one with a
    # single download at a time (max-concurrent-downloads 1), so kills also
    # land while downloads queue behind each other and overlap extraction.
    BERTHD_LOG=$T/berthd-$round.log # each daemon's log kept for a failure report
    if ((round % 2)); then
        start_berthd --config-file "$T/one-download.json" # fails the test unless /_ping answers
    else
        start_berthd
    fi
    check_consistent "round $round, after restart"
    pull_sync
    check_image_complete "round $round, pull after restart"
    remove_image
done
note "$ingest_seen of $ROUNDS kills left a partial download to resume"
((ingest_seen > 0)) || fail "no kill left a partial download: resuming after kill -9 went untested"

# --- the end state ------------------------------------------------------------------

note "final pull, then a clean shutdown"
pull_sync
check_image_complete "final pull"
stop_pid "$BERTHD_PID"
reap "$BERTHD_PID"
assert_eq "" "$(image_state | grep '^TEMP ' || true)" "temp files in the data root at the end"
assert_eq "$(record_cache_ids)" "$(storage_layers)" "storage layers vs layer records' cache-ids at the end"
assert_eq "$LAYERS" "$(record_cache_ids | wc -l)" "layer records at the end"
