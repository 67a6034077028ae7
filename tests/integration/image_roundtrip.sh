#!/usr/bin/env bash
# image_roundtrip.sh — the image life cycle as users drive it, with the stock
# docker CLI against berthd and a real docker-registry on 127.0.0.1: push,
# rmi, pull back (by tag, by digest, every tag), a second image sharing the
# busybox layer ("Already exists"), and the local commands around them
# (images, history, inspect, tag, rmi conflicts, prune, error wording).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"

command -v docker >/dev/null || skip "docker CLI not installed"
command -v curl >/dev/null || skip "curl not installed"

use_docker_cli

short() { # sha256:<hex> -> first 12 hex, the CLI's short ID
    local h=${1#sha256:}
    printf '%s' "${h:0:12}"
}

# registry_manifest REPO REF — the schema2 manifest the registry serves.
registry_manifest() {
    curl -sf --max-time 10 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$REGISTRY/v2/$1/manifests/$2" || fail "GET manifest $1:$2 from the registry"
}

# push_derived SRC_REPO SRC_TAG DST_REPO DST_TAG — write DST_REPO:DST_TAG
# straight into the registry with its API: SRC's layers (cross-repo mounted)
# plus one new gzip layer holding /etc/derived, and SRC's config extended by
# that layer. Prints "<manifest digest> <new layer digest> <new diff_id>".
push_derived() {
    python3 - "$REGISTRY" "$@" <<'PY' || fail "could not write the derived image into the registry"
import gzip, hashlib, io, json, sys, tarfile, urllib.parse, urllib.request

reg, src_repo, src_tag, dst_repo, dst_tag = sys.argv[1:6]
base = "http://%s/v2" % reg
MT = "application/vnd.docker.distribution.manifest.v2+json"

def call(method, url, data=None, headers=None, want=(200, 201, 202)):
    r = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    resp = urllib.request.urlopen(r, timeout=10)
    if resp.status not in want:
        sys.exit("%s %s: HTTP %d" % (method, url, resp.status))
    return resp

def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

m = json.load(call("GET", "%s/%s/manifests/%s" % (base, src_repo, src_tag), headers={"Accept": MT}))
cfg = json.load(call("GET", "%s/%s/blobs/%s" % (base, src_repo, m["config"]["digest"])))

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    data = ("a layer of %s:%s\n" % (dst_repo, dst_tag)).encode()
    ti = tarfile.TarInfo("etc/derived")
    ti.size, ti.mtime, ti.mode = len(data), 0, 0o644
    t.addfile(ti, io.BytesIO(data))
raw = buf.getvalue()
layer = gzip.compress(raw, mtime=0)
diff_id = sha(raw)
cfg["rootfs"]["diff_ids"].append(diff_id)
cfg.setdefault("history", []).append(
    {"created": "2024-01-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:derived in /etc/derived"})
cfg_bytes = json.dumps(cfg, separators=(",", ":")).encode()

def upload(blob):
    d = sha(blob)
    loc = call("POST", "%s/%s/blobs/uploads/" % (base, dst_repo)).headers["Location"]
    loc = urllib.parse.urljoin(base + "/", loc)
    call("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + d, data=blob,
         headers={"Content-Type": "application/octet-stream"}, want=(201,))
    return d

for l in m["layers"]:
    call("POST", "%s/%s/blobs/uploads/?mount=%s&from=%s" % (base, dst_repo, l["digest"], src_repo), want=(201,))
layer_digest = upload(layer)
cfg_digest = upload(cfg_bytes)
new = {
    "schemaVersion": 2, "mediaType": MT,
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": cfg_digest,
               "size": len(cfg_bytes)},
    "layers": m["layers"] + [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                              "digest": layer_digest, "size": len(layer)}],
}
body = json.dumps(new).encode()
call("PUT", "%s/%s/manifests/%s" % (base, dst_repo, dst_tag), data=body, headers={"Content-Type": MT},
     want=(201,))
print(sha(body), layer_digest, diff_id)
PY
}

start_berthd
start_registry
R=$REGISTRY

note "import busybox"
import_busybox
assert_match "$IMAGE_ID" '^sha256:[0-9a-f]{64}$' "imported image ID"
dk_ok info --format '{{.Images}}'
assert_eq 1 "$OUT" "docker info counts the imported image"
ID=$IMAGE_ID
DIFF_ID=$(inspect '{{index .RootFS.Layers 0}}' busybox)
assert_match "$DIFF_ID" '^sha256:[0-9a-f]{64}$' "busybox diff_id"

note "docker inspect fields of the imported image"
assert_eq "$ID" "$(inspect '{{.Id}}' busybox)" "inspect .Id"
assert_eq "[busybox:latest]" "$(inspect '{{.RepoTags}}' busybox)" "inspect .RepoTags"
assert_eq "[]" "$(inspect '{{.RepoDigests}}' busybox)" "inspect .RepoDigests before any push"
assert_eq linux "$(inspect '{{.Os}}' busybox)" "inspect .Os"
assert_eq "$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')" "$(inspect '{{.Architecture}}' busybox)" \
    "inspect .Architecture"
assert_eq '["sh"]' "$(inspect '{{json .Config.Cmd}}' busybox)" "inspect .Config.Cmd"
assert_contains "$(inspect '{{json .Config.Env}}' busybox)" '"PATH=/usr/local/sbin:' "inspect .Config.Env"
assert_eq layers "$(inspect '{{.RootFS.Type}}' busybox)" "inspect .RootFS.Type"
assert_eq "[\"$DIFF_ID\"]" "$(inspect '{{json .RootFS.Layers}}' busybox)" "inspect .RootFS.Layers"
assert_eq "Imported from -" "$(inspect '{{.Comment}}' busybox)" "inspect .Comment"
size=$(inspect '{{.Size}}' busybox)
assert_match "$size" '^[1-9][0-9]{5,}$' "inspect .Size (busybox is over 100 kB)"

note "docker push $R/busybox"
dk_ok tag busybox "$R/busybox"
dk_ok push "$R/busybox"
push_out=$OUT
assert_contains "$push_out" "The push refers to repository [$R/busybox]" "push output"
assert_contains "$push_out" "$(short "$DIFF_ID"): Pushed" "push output: the layer (diff_id short ID)"
assert_match "$push_out" '^latest: digest: sha256:[0-9a-f]{64} size: [0-9]+$' "push output: digest line"
DIGEST=$(sed -n 's/^latest: digest: \(sha256:[0-9a-f]*\) size: \([0-9]*\)$/\1/p' <<<"$push_out")
psize=$(sed -n 's/^latest: digest: \(sha256:[0-9a-f]*\) size: \([0-9]*\)$/\2/p' <<<"$push_out")
manifest=$(registry_manifest busybox latest)
assert_eq "$DIGEST" "sha256:$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)" \
    "pushed digest = sha256 of the manifest the registry serves"
assert_eq "${#manifest}" "$psize" "pushed size = the manifest's length"
LAYER=$(json_eval 'd["layers"][0]["digest"]' <<<"$manifest")
assert_eq "$ID" "$(json_eval 'd["config"]["digest"]' <<<"$manifest")" "pushed config digest = image ID"
assert_eq "[$R/busybox@$DIGEST]" "$(inspect '{{.RepoDigests}}' busybox)" "RepoDigests after push"

note "docker push again: the layer already exists"
dk_ok push "$R/busybox"
assert_contains "$OUT" "$(short "$DIFF_ID"): Layer already exists" "second push output"
assert_contains "$OUT" "latest: digest: $DIGEST size: $psize" "second push: same digest"

note "docker rmi both names"
dk_ok rmi busybox "$R/busybox"
assert_contains "$OUT" "Untagged: busybox:latest" "rmi output"
assert_contains "$OUT" "Untagged: $R/busybox:latest" "rmi output"
assert_contains "$OUT" "Untagged: $R/busybox@$DIGEST" "rmi output"
assert_contains "$OUT" "Deleted: $ID" "rmi output"
dk_fails image inspect "$ID"
assert_contains "$OUT" "No such image: $ID" "inspect after rmi"

note "docker pull $R/busybox"
dk_ok pull "$R/busybox"
assert_contains "$OUT" "Using default tag: latest" "pull output"
assert_contains "$OUT" "latest: Pulling from busybox" "pull output"
assert_contains "$OUT" "$(short "$LAYER"): Pull complete" "pull output: the layer (blob short ID)"
assert_contains "$OUT" "Digest: $DIGEST" "pull output"
assert_contains "$OUT" "Status: Downloaded newer image for $R/busybox:latest" "pull output"
assert_match "$OUT" "^$R/busybox:latest\$" "pull output: the CLI's closing reference"
assert_eq "$ID" "$(inspect '{{.Id}}' "$R/busybox")" "pulled image ID = pushed image ID"
assert_eq "[$R/busybox@$DIGEST]" "$(inspect '{{.RepoDigests}}' "$R/busybox")" "RepoDigests after pull"
assert_eq "[\"$DIFF_ID\"]" "$(inspect '{{json .RootFS.Layers}}' "$R/busybox")" "RootFS.Layers after pull"
assert_eq '["sh"]' "$(inspect '{{json .Config.Cmd}}' "$R/busybox")" "Config.Cmd after pull"

note "docker pull again: up to date"
dk_ok pull "$R/busybox"
assert_contains "$OUT" "Status: Image is up to date for $R/busybox:latest" "second pull output"
assert_not_contains "$OUT" "Pull complete" "second pull output"

note "docker pull $R/busybox@$DIGEST"
dk_ok pull "$R/busybox@$DIGEST"
assert_contains "$OUT" "Digest: $DIGEST" "pull by digest output"
assert_contains "$OUT" "$R/busybox@$DIGEST" "pull by digest output"
assert_eq "$ID" "$(inspect '{{.Id}}' "$R/busybox@$DIGEST")" "image ID by digest"
# rmi of the last tag also drops that repository's digest references, and
# with them the image (dockerd's rule).
dk_ok rmi "$R/busybox"
assert_contains "$OUT" "Untagged: $R/busybox@$DIGEST" "rmi of the last tag"
assert_contains "$OUT" "Deleted: $ID" "rmi of the last tag"
dk_ok pull "$R/busybox@$DIGEST"
assert_contains "$OUT" "$(short "$LAYER"): Pull complete" "pull by digest output"
assert_contains "$OUT" "Status: Downloaded newer image for $R/busybox@$DIGEST" "pull by digest output"
assert_eq "$ID" "$(inspect '{{.Id}}' "$R/busybox@$DIGEST")" "image ID pulled by digest"
dk_fails image inspect "$R/busybox:latest"
assert_contains "$OUT" "No such image: $R/busybox:latest" "pull by digest adds no tag"
dk_ok pull "$R/busybox@$DIGEST"
assert_contains "$OUT" "Status: Image is up to date for $R/busybox@$DIGEST" "pull by digest, image present"
dk_ok tag "$R/busybox@$DIGEST" "$R/busybox:latest"
assert_eq "$ID" "$(inspect '{{.Id}}' "$R/busybox:latest")" "tag from a digest reference"

note "a second image that shares the busybox layer: Already exists"
read -r DER_DIGEST DER_LAYER DER_DIFF < <(push_derived busybox latest derived v1)
assert_match "$DER_DIGEST" '^sha256:[0-9a-f]{64}$' "derived manifest digest"
dk_ok pull "$R/derived:v1"
assert_contains "$OUT" "$(short "$LAYER"): Already exists" "pull of the derived image: shared layer"
assert_contains "$OUT" "$(short "$DER_LAYER"): Pull complete" "pull of the derived image: new layer"
assert_contains "$OUT" "Digest: $DER_DIGEST" "pull of the derived image"
assert_eq "[\"$DIFF_ID\",\"$DER_DIFF\"]" "$(inspect '{{json .RootFS.Layers}}' "$R/derived:v1")" \
    "derived RootFS.Layers"
DER_ID=$(inspect '{{.Id}}' "$R/derived:v1")
assert_ne "$ID" "$DER_ID" "derived image ID"

note "docker history"
dk_ok history --no-trunc --format '{{.ID}}|{{.CreatedBy}}|{{.Comment}}' "$R/derived:v1"
assert_eq "$DER_ID|/bin/sh -c #(nop) ADD file:derived in /etc/derived|
<missing>||Imported from -" "$OUT" "history of the derived image (newest first)"
dk_ok history "$R/busybox"
assert_match "$OUT" '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT' "history header"
assert_match "$OUT" "^$(short "$ID") .*Imported from -" "history row of busybox"

note "docker images"
dk_ok images
assert_match "$OUT" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$' "images header"
assert_match "$OUT" "^$R/busybox +latest +$(short "$ID") " "images: busybox row"
assert_match "$OUT" "^$R/derived +v1 +$(short "$DER_ID") " "images: derived row"
dk_ok images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}} {{.ID}}' "$R/busybox"
assert_eq "$R/busybox latest $DIGEST $(short "$ID")" "$OUT" "images --digests"
dk_ok images --digests
assert_match "$OUT" '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$' "images --digests header"
assert_match "$OUT" "^$R/busybox +latest +$DIGEST +$(short "$ID") " "images --digests: busybox row"
dk_ok images --format '{{.Repository}}:{{.Tag}}' "$R/derived"
assert_eq "$R/derived:v1" "$OUT" "images REPOSITORY filter"

note "docker tag and rmi conflict rules"
dk_ok tag "$R/busybox" busybox:one
dk_ok tag "$(short "$ID")" busybox:two
assert_eq "$ID" "$(inspect '{{.Id}}' busybox:two)" "tag by short ID"
dk_fails rmi "$ID"
assert_contains "$OUT" "Error response from daemon: conflict: unable to delete $(short "$ID") (must be forced) - image is referenced in multiple repositories" \
    "rmi by ID of a multiply tagged image"
api DELETE "/images/$ID"
assert_status 409 "DELETE /images/<id> of a multiply tagged image"
assert_eq "$ID" "$(inspect '{{.Id}}' busybox:one)" "image still there after the refused rmi"
dk_ok rmi busybox:two
assert_eq "Untagged: busybox:two" "$OUT" "rmi of one of several tags only untags"
dk_fails rmi "$ID"
assert_contains "$OUT" "must be forced" "rmi by ID, still two repositories"
dk_ok rmi -f "$ID"
assert_contains "$OUT" "Untagged: busybox:one" "rmi -f output"
assert_contains "$OUT" "Untagged: $R/busybox:latest" "rmi -f output"
assert_contains "$OUT" "Untagged: $R/busybox@$DIGEST" "rmi -f output"
assert_contains "$OUT" "Deleted: $ID" "rmi -f output"
dk_fails image inspect "$ID"
assert_contains "$OUT" "No such image" "image after rmi -f"
# The derived image still holds the shared layer.
assert_eq "$DER_ID" "$(inspect '{{.Id}}' "$R/derived:v1")" "derived image survives"

note "docker image prune -f removes a dangling image"
import_busybox dangle:v1
old=$IMAGE_ID
import_busybox dangle:v1 # a new Created time: a new ID, the old one loses its tag
assert_ne "$old" "$IMAGE_ID" "re-import ID"
dk_ok images --filter dangling=true --format '{{.ID}}' --no-trunc
assert_eq "$old" "$OUT" "the dangling image"
dk_ok image prune -f
assert_contains "$OUT" "Deleted Images:" "prune output"
assert_contains "$OUT" "deleted: $old" "prune output"
assert_contains "$OUT" "Total reclaimed space:" "prune output"
dk_fails image inspect "$old"
assert_contains "$OUT" "No such image: $old" "pruned image"
assert_eq "$IMAGE_ID" "$(inspect '{{.Id}}' dangle:v1)" "the tagged image survives prune"
dk_ok image prune -f
assert_eq "Total reclaimed space: 0B" "$OUT" "prune with nothing dangling"

note "unknown image, bad reference"
dk_fails image inspect nosuch:latest
assert_contains "$OUT" "Error response from daemon: No such image: nosuch:latest" "inspect of an unknown image"
dk_fails rmi nosuch
assert_eq "Error response from daemon: No such image: nosuch:latest" "$OUT" "rmi of an unknown image"
dk_fails history nosuch
assert_contains "$OUT" "No such image: nosuch:latest" "history of an unknown image"
dk_fails tag nosuch:latest other:latest
assert_contains "$OUT" "No such image: nosuch:latest" "tag of an unknown image"
dk_fails push "$R/nosuch"
assert_contains "$OUT" "An image does not exist locally with the tag: $R/nosuch" "push of an unknown image"
dk_fails pull 'Bad/Name'
assert_contains "$OUT" "invalid reference format" "pull of a bad reference (CLI side)"
api GET "/images/a:b:c/json"
assert_status 400 "GET /images/a:b:c/json"
assert_contains "$(json_eval 'd["message"]' <<<"$HTTP_BODY")" "invalid reference format" "bad reference (daemon side)"
api POST "/images/create?fromImage=Bad/Name&tag=latest"
assert_status 400 "POST /images/create with a bad reference"
assert_contains "$(json_eval 'd["message"]' <<<"$HTTP_BODY")" "invalid reference format" \
    "pull of a bad reference (daemon side)"
api POST "/images/dangle:v1/tag?repo=Bad&tag=x"
assert_status 400 "POST /images/dangle:v1/tag?repo=Bad"
assert_contains "$(json_eval 'd["message"]' <<<"$HTTP_BODY")" "invalid reference format" \
    "tag with a bad repository (daemon side)"

note "docker pull $R/nope fails"
dk_fails pull "$R/nope"
assert_contains "$OUT" "Error response from daemon: manifest for $R/nope:latest not found: manifest unknown" \
    "pull of an unknown repository"
dk_fails pull "$R/derived:nope"
assert_contains "$OUT" "Error response from daemon: manifest for $R/derived:nope not found: manifest unknown" \
    "pull of an unknown tag"

note "docker pull -a pulls every tag"
dk_ok tag dangle:v1 "$R/multi:a"
dk_ok tag dangle:v1 "$R/multi:b"
dk_ok push "$R/multi:a"
dk_ok push "$R/multi:b"
read -r _ _ _ < <(push_derived derived v1 multi c)
dk_ok rmi "$R/multi:a" "$R/multi:b"
dk_fails image inspect "$R/multi:a"
dk_ok pull -a "$R/multi"
for t in a b c; do
    assert_contains "$OUT" "$t: Pulling from multi" "pull -a output"
done
assert_contains "$OUT" "Status: Downloaded newer image for $R/multi" "pull -a output"
dk_ok images --format '{{.Tag}}' "$R/multi"
assert_eq "a
b
c" "$(sort <<<"$OUT")" "tags after pull -a"
assert_eq "$IMAGE_ID" "$(inspect '{{.Id}}' "$R/multi:a")" "pull -a: multi:a"
assert_eq "$IMAGE_ID" "$(inspect '{{.Id}}' "$R/multi:b")" "pull -a: multi:b"

note "no temporary entries left behind"
state=$(image_state)
assert_not_contains "$state" "TEMP " "image_state after the push/pull/rmi cycles"
