#!/usr/bin/env bash
# image_oci_multiarch.sh — images that other tools wrote: an OCI image made
# by umoci and pushed by skopeo pulls with its config intact, and an OCI index
# of two platforms (skopeo copy --all) pulls the host's platform by default,
# another one with --platform, and refuses a platform it does not list.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"

command -v docker >/dev/null || skip "docker CLI not installed"
command -v umoci >/dev/null || skip "umoci not installed (apt-get install umoci)"
command -v skopeo >/dev/null || skip "skopeo not installed (apt-get install skopeo)"

use_docker_cli

case "$(uname -m)" in
x86_64) NATIVE=amd64 FOREIGN=arm64 ;;
aarch64) NATIVE=arm64 FOREIGN=amd64 ;;
*) skip "the multi-arch checks assume an amd64 or arm64 host, not $(uname -m)" ;;
esac

# remote_header REPO REF HEADER — a header of the registry's reply to a
# manifest GET that accepts OCI manifests and indexes.
remote_header() {
    curl -sf --max-time 10 -o /dev/null -D - \
        -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' \
        "http://$REGISTRY/v2/$1/manifests/$2" | tr -d '\r' |
        awk -v h="$3" 'BEGIN { h = tolower(h) ":" } tolower($1) == h { print $2 }'
}
remote_digest() { remote_header "$1" "$2" Docker-Content-Digest; }

start_berthd
start_registry
R=$REGISTRY

note "an OCI image built with umoci"
busybox_tar "$T/busybox.tar"
L=$T/layout
(
    cd "$T"
    umoci init --layout "$L"
    umoci new --image "$L:t"
    umoci raw add-layer --image "$L:t" busybox.tar
    umoci config --image "$L:t" --config.cmd sh --config.env PATH=/usr/bin:/bin \
        --config.workingdir /tmp --config.label org.example.made-by=umoci --author berth-tests
) >"$T/umoci.log" 2>&1 || fail "umoci could not build the layout: $(cat "$T/umoci.log")"

note "skopeo copy oci:layout:t docker://$R/oci-busybox:t"
sk copy -q --dest-tls-verify=false "oci:$L:t" "docker://$R/oci-busybox:t"
assert_eq application/vnd.oci.image.manifest.v1+json "$(remote_header oci-busybox t Content-Type)" \
    "media type of the pushed manifest"
oci_digest=$(remote_digest oci-busybox t)
assert_match "$oci_digest" '^sha256:[0-9a-f]{64}$' "digest of the OCI manifest"
oci_config=$(sk inspect --tls-verify=false --raw "docker://$R/oci-busybox:t" | json_eval 'd["config"]["digest"]')

note "docker pull the OCI image"
dk_ok pull "$R/oci-busybox:t"
assert_contains "$OUT" "Pull complete" "pull of the OCI image"
assert_contains "$OUT" "Digest: $oci_digest" "pull of the OCI image"
assert_contains "$OUT" "Status: Downloaded newer image for $R/oci-busybox:t" "pull of the OCI image"
img=$R/oci-busybox:t
assert_eq "$oci_config" "$(inspect '{{.Id}}' "$img")" "image ID = the OCI config digest"
assert_eq '["sh"]' "$(inspect '{{json .Config.Cmd}}' "$img")" "Config.Cmd from umoci"
assert_eq '["PATH=/usr/bin:/bin"]' "$(inspect '{{json .Config.Env}}' "$img")" "Config.Env from umoci"
assert_eq /tmp "$(inspect '{{.Config.WorkingDir}}' "$img")" "Config.WorkingDir from umoci"
assert_eq umoci "$(inspect '{{index .Config.Labels "org.example.made-by"}}' "$img")" "Config.Labels from umoci"
assert_eq berth-tests "$(inspect '{{.Author}}' "$img")" "Author from umoci"
assert_eq "linux/$NATIVE" "$(inspect '{{.Os}}/{{.Architecture}}' "$img")" "platform of the OCI image"
assert_eq "[$R/oci-busybox@$oci_digest]" "$(inspect '{{.RepoDigests}}' "$img")" "RepoDigests of the OCI image"
diff_id=$(sk inspect --tls-verify=false --config "docker://$R/oci-busybox:t" | json_eval 'd["rootfs"]["diff_ids"][0]')
assert_eq "[\"$diff_id\"]" "$(inspect '{{json .RootFS.Layers}}' "$img")" "RootFS.Layers of the OCI image"
# Back out through docker: the pushed copy keeps the same config.
dk_ok tag "$img" "$R/oci-busybox:again"
dk_ok push "$R/oci-busybox:again"
assert_match "$OUT" '^again: digest: sha256:[0-9a-f]{64} size: [0-9]+$' "push of the pulled OCI image"
assert_eq "$oci_config" "$(sk inspect --tls-verify=false --raw "docker://$R/oci-busybox:again" |
    json_eval 'd["config"]["digest"]')" "config digest after a docker push"

note "an OCI index of linux/$NATIVE and linux/$FOREIGN"
(
    umoci config --image "$L:t" --tag native --architecture "$NATIVE" --os linux
    umoci config --image "$L:t" --tag foreign --architecture "$FOREIGN" --os linux
) >>"$T/umoci.log" 2>&1 || fail "umoci config --architecture failed: $(cat "$T/umoci.log")"
# An index blob naming both manifests with their platforms, tagged "multi"
# in the layout's index.json.
python3 - "$L" "$NATIVE" "$FOREIGN" <<'PY' || fail "could not write the OCI index"
import hashlib, json, os, sys
layout, native, foreign = sys.argv[1:4]
top_path = os.path.join(layout, "index.json")
top = json.load(open(top_path))
by_tag = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in top["manifests"]}
entries = []
for tag, arch in (("native", native), ("foreign", foreign)):
    m = by_tag[tag]
    entries.append({"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"],
                    "platform": {"architecture": arch, "os": "linux"}})
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": entries}).encode()
hexd = hashlib.sha256(index).hexdigest()
open(os.path.join(layout, "blobs", "sha256", hexd), "wb").write(index)
top["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + hexd,
                         "size": len(index), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(top, open(top_path, "w"))
PY
sk copy -q --all --dest-tls-verify=false "oci:$L:multi" "docker://$R/multi:v1"
index_digest=$(remote_digest multi v1)
index_json=$(sk inspect --tls-verify=false --raw "docker://$R/multi:v1")
assert_eq application/vnd.oci.image.index.v1+json "$(remote_header multi v1 Content-Type)" \
    "media type of the pushed index"
assert_eq "$NATIVE $FOREIGN" "$(json_eval '" ".join(m["platform"]["architecture"] for m in d["manifests"])' <<<"$index_json")" \
    "platforms in the pushed index"
# What each platform's manifest in the layout names as config (skopeo copies
# manifests unchanged, so these are the registry's too).
layout_config() { # TAG
    python3 - "$L" "$1" <<'PY' || fail "no config for tag $1 in the layout"
import json, os, sys
layout, tag = sys.argv[1:3]
top = json.load(open(os.path.join(layout, "index.json")))
m = next(m for m in top["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == tag)
print(json.load(open(os.path.join(layout, "blobs", *m["digest"].split(":"))))["config"]["digest"])
PY
}
native_config=$(layout_config native)
foreign_config=$(layout_config foreign)
assert_ne "$native_config" "$foreign_config" "the two platforms' configs"

note "GET /distribution/$R/multi:v1/json lists both platforms"
api GET "/distribution/$R/multi:v1/json"
assert_status 200 "GET /distribution/…/json"
assert_eq "$index_digest" "$(json_eval 'd["Descriptor"]["digest"]' <<<"$HTTP_BODY")" "distribution Descriptor.digest"
assert_eq application/vnd.oci.image.index.v1+json "$(json_eval 'd["Descriptor"]["mediaType"]' <<<"$HTTP_BODY")" \
    "distribution Descriptor.mediaType"
assert_eq "${#index_json}" "$(json_eval 'd["Descriptor"]["size"]' <<<"$HTTP_BODY")" "distribution Descriptor.size"
assert_eq "$(printf 'linux/%s\n' "$NATIVE" "$FOREIGN" | sort | paste -sd' ')" \
    "$(json_eval '" ".join(sorted(p["os"] + "/" + p["architecture"] for p in d["Platforms"]))' <<<"$HTTP_BODY")" \
    "distribution Platforms"
api GET "/distribution/$R/oci-busybox:t/json"
assert_status 200 "GET /distribution/…/json of a single manifest"
assert_eq "$oci_digest linux/$NATIVE" \
    "$(json_eval 'd["Descriptor"]["digest"] + " " + " ".join(p["os"] + "/" + p["architecture"] for p in d["Platforms"])' <<<"$HTTP_BODY")" \
    "distribution of a single manifest: its config's platform"

note "docker pull $R/multi:v1 picks linux/$NATIVE"
dk_ok pull "$R/multi:v1"
assert_contains "$OUT" "Digest: $index_digest" "pull of the index prints the index digest"
assert_contains "$OUT" "Status: Downloaded newer image for $R/multi:v1" "pull of the index"
assert_eq "$NATIVE" "$(inspect '{{.Architecture}}' "$R/multi:v1")" "Architecture pulled by default"
assert_eq "$native_config" "$(inspect '{{.Id}}' "$R/multi:v1")" "image ID pulled by default"
assert_eq "[$R/multi@$index_digest]" "$(inspect '{{.RepoDigests}}' "$R/multi:v1")" \
    "RepoDigests holds the index digest"
dk_ok images --digests --format '{{.Digest}}' "$R/multi"
assert_eq "$index_digest" "$OUT" "images --digests shows the index digest"

note "docker pull --platform linux/$FOREIGN"
dk_ok pull --platform "linux/$FOREIGN" "$R/multi:v1"
assert_contains "$OUT" "Digest: $index_digest" "pull --platform output"
assert_contains "$OUT" "Already exists" "pull --platform: the layer both platforms share"
assert_eq "$FOREIGN" "$(inspect '{{.Architecture}}' "$R/multi:v1")" "Architecture with --platform"
assert_eq "$foreign_config" "$(inspect '{{.Id}}' "$R/multi:v1")" "image ID with --platform"
# The tag moved; the native image is still there by ID and keeps the index
# digest (dockerd does not move a digest reference to another image).
assert_eq "$NATIVE" "$(inspect '{{.Architecture}}' "$native_config")" "the native image by ID"
assert_eq "[$R/multi@$index_digest]" "$(inspect '{{.RepoDigests}}' "$native_config")" \
    "RepoDigests of the native image after pulling the other platform"

note "docker pull --platform linux/s390x fails"
dk_fails pull --platform linux/s390x "$R/multi:v1"
assert_contains "$OUT" "no matching manifest for linux/s390x" "pull of a platform the index lacks"
assert_eq "$foreign_config" "$(inspect '{{.Id}}' "$R/multi:v1")" "the failed pull leaves the tag alone"

note "no temporary entries left behind"
assert_not_contains "$(image_state)" "TEMP " "image_state after the pulls"
