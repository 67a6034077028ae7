#!/usr/bin/env bash
# image_save_load.sh — docker save / load / import through berthd: a saved
# archive is both a docker-archive and an OCI layout that skopeo reads, loads
# back to the same image ID, an archive skopeo wrote loads too, and bad input
# (unknown image, garbage archive) fails with a clear error and changes
# nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"

command -v docker >/dev/null || skip "docker CLI not installed"
command -v umoci >/dev/null || skip "umoci not installed (apt-get install umoci)"
command -v skopeo >/dev/null || skip "skopeo not installed (apt-get install skopeo)"

use_docker_cli

start_berthd

note "docker save busybox -o x.tar"
import_busybox
ID=$IMAGE_ID
DIFF_ID=$(inspect '{{index .RootFS.Layers 0}}' busybox)
dk_ok save busybox -o "$T/x.tar"
assert_eq "" "$OUT" "docker save -o prints nothing"
members=$(tar -tf "$T/x.tar") || fail "docker save wrote no readable tar"
for m in manifest.json index.json oci-layout repositories "blobs/sha256/${ID#sha256:}"; do
    grep -qx "$m" <<<"$members" || fail "saved archive: no member $m; members:
$members"
done
manifest=$(tar -xOf "$T/x.tar" manifest.json)
assert_eq "busybox:latest" "$(json_eval '",".join(d[0]["RepoTags"])' <<<"$manifest")" "manifest.json RepoTags"
assert_eq "blobs/sha256/${ID#sha256:}" "$(json_eval 'd[0]["Config"]' <<<"$manifest")" "manifest.json Config"
assert_eq 1 "$(json_eval 'len(d[0]["Layers"])' <<<"$manifest")" "manifest.json Layers"
# The legacy file names the top layer of each tag.
assert_eq '{"busybox":{"latest":"'"${DIFF_ID#sha256:}"'"}}' \
    "$(tar -xOf "$T/x.tar" repositories | json_eval 'json.dumps(d, separators=(",", ":"))')" "repositories"
assert_eq '{"imageLayoutVersion": "1.0.0"}' "$(tar -xOf "$T/x.tar" oci-layout | json_eval 'json.dumps(d)')" "oci-layout"
assert_eq "docker.io/library/busybox:latest" \
    "$(tar -xOf "$T/x.tar" index.json | json_eval 'd["manifests"][0]["annotations"]["io.containerd.image.name"]')" \
    "index.json image name"

note "skopeo reads the saved archive (docker-archive and oci-archive)"
info=$(sk inspect docker-archive:"$T/x.tar")
assert_eq "linux" "$(json_eval 'd["Os"]' <<<"$info")" "skopeo inspect docker-archive: Os"
assert_eq "[\"$DIFF_ID\"]" "$(sk inspect --config docker-archive:"$T/x.tar" | json_eval 'd["rootfs"]["diff_ids"]')" \
    "skopeo inspect docker-archive: diff_ids"
assert_eq '["sh"]' "$(sk inspect --config oci-archive:"$T/x.tar" | json_eval 'd["config"]["Cmd"]')" \
    "skopeo inspect oci-archive: Cmd"

note "docker rmi, docker load -i x.tar"
dk_ok rmi busybox
assert_contains "$OUT" "Deleted: $ID" "rmi before load"
dk_ok load -i "$T/x.tar"
assert_contains "$OUT" "Loaded image: busybox:latest" "docker load output"
assert_eq "$ID" "$(inspect '{{.Id}}' busybox)" "image ID after load"
assert_eq '["sh"]' "$(inspect '{{json .Config.Cmd}}' busybox)" "Config.Cmd after load"
assert_eq "[\"$DIFF_ID\"]" "$(inspect '{{json .RootFS.Layers}}' busybox)" "RootFS.Layers after load"

note "docker load of an image that is already there (from stdin)"
dk_ok load <"$T/x.tar"
assert_contains "$OUT" "Loaded image: busybox:latest" "second docker load"
dk_ok images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
assert_eq "busybox:latest ${ID:7:12}" "$OUT" "images after loading twice"

note "docker save of two names, one archive"
dk_ok tag busybox mine/box:v2
dk_ok save busybox mine/box:v2 -o "$T/two.tar"
assert_eq "busybox:latest,mine/box:v2" \
    "$(tar -xOf "$T/two.tar" manifest.json | json_eval '",".join(sorted(d[0]["RepoTags"]))')" \
    "RepoTags of a two-name save"
dk_ok rmi busybox mine/box:v2
dk_ok load -i "$T/two.tar"
assert_contains "$OUT" "Loaded image: busybox:latest" "load of a two-name archive"
assert_contains "$OUT" "Loaded image: mine/box:v2" "load of a two-name archive"
assert_eq "$ID" "$(inspect '{{.Id}}' mine/box:v2)" "mine/box:v2 after load"

note "docker load of an archive skopeo wrote"
L=$T/layout
(
    cd "$T"
    umoci init --layout "$L"
    umoci new --image "$L:t"
    umoci raw add-layer --image "$L:t" busybox.tar
    umoci config --image "$L:t" --config.cmd sh --config.label from=umoci
) >"$T/umoci.log" 2>&1 || fail "umoci could not build the layout: $(cat "$T/umoci.log")"
sk copy -q "oci:$L:t" "docker-archive:$T/y.tar:loaded/img:v1"
ycfg=$(sk inspect --raw docker-archive:"$T/y.tar" | json_eval 'd["config"]["digest"]')
dk_ok load -i "$T/y.tar"
assert_contains "$OUT" "Loaded image: loaded/img:v1" "load of the skopeo archive"
assert_eq "$ycfg" "$(inspect '{{.Id}}' loaded/img:v1)" "image ID of the skopeo archive"
assert_eq umoci "$(inspect '{{index .Config.Labels "from"}}' loaded/img:v1)" "label of the skopeo archive"
sk copy -q "oci:$L:t" "oci-archive:$T/z.tar:loaded/oci:v1"
dk_ok load -i "$T/z.tar"
assert_contains "$OUT" "Loaded image" "load of an oci-archive"
assert_eq "$ycfg" "$(inspect '{{.Id}}' "$(sed -n 's/^Loaded image[^:]*: //p' <<<"$OUT" | head -n1)")" \
    "image ID of the oci-archive"

note "docker save of an unknown image fails"
dk_fails save nosuch:latest -o "$T/nosuch.tar"
assert_contains "$OUT" "No such image: nosuch:latest" "save of an unknown image"
dk_fails save busybox nosuch:latest -o "$T/nosuch.tar"
assert_contains "$OUT" "No such image: nosuch:latest" "save of a known and an unknown image"

note "docker load of garbage fails and changes nothing"
before=$(image_state)
head -c 65536 /dev/urandom >"$T/garbage.tar"
dk_fails load -i "$T/garbage.tar"
assert_contains "$OUT" "invalid archive" "load of random bytes"
assert_eq "$before" "$(image_state)" "image_state after loading garbage"
# A real tar that is not an image archive.
tar -C "$T" -cf "$T/notimage.tar" policy.json
dk_fails load -i "$T/notimage.tar"
assert_match "$OUT" "manifest.json|index.json" "load of a tar without manifest.json names what is missing"
assert_eq "$before" "$(image_state)" "image_state after loading a non-image tar"
# A saved archive cut short.
head -c 500000 "$T/x.tar" >"$T/short.tar"
dk_ok rmi busybox mine/box:v2
before=$(image_state)
dk_fails load -i "$T/short.tar"
assert_contains "$OUT" "invalid archive" "load of a truncated archive says why"
assert_eq "$before" "$(image_state)" "image_state after loading a truncated archive"

note "docker import --change with a file, and from stdin"
dk_ok import --change 'CMD ["sh"]' --message "from a file" "$T/busybox.tar" imported:file
imp_id=$(tail -n1 <<<"$OUT")
assert_match "$imp_id" '^sha256:[0-9a-f]{64}$' "docker import prints the image ID"
assert_eq "$imp_id" "$(inspect '{{.Id}}' imported:file)" "imported image ID"
assert_eq '["sh"]' "$(inspect '{{json .Config.Cmd}}' imported:file)" "Config.Cmd of the imported image"
assert_eq "from a file" "$(inspect '{{.Comment}}' imported:file)" "Comment of the imported image"
assert_eq "[\"$DIFF_ID\"]" "$(inspect '{{json .RootFS.Layers}}' imported:file)" "the same tar gives the same diff_id"
RC=0
# A pipe, not a file: the body then has no length the CLI could send ahead.
# shellcheck disable=SC2002
OUT=$(cat "$T/busybox.tar" | docker image import --change 'ENTRYPOINT ["/bin/sh", "-c"]' - imported:stdin 2>&1) || RC=$?
assert_eq 0 "$RC" "exit status of 'cat busybox.tar | docker image import - imported:stdin' (output: $OUT)"
assert_eq '["/bin/sh","-c"]' "$(inspect '{{json .Config.Entrypoint}}' imported:stdin)" "Entrypoint from stdin import"
assert_eq "Imported from -" "$(inspect '{{.Comment}}' imported:stdin)" "Comment of the stdin import"
gzip -c "$T/busybox.tar" >"$T/busybox.tar.gz"
RC=0
OUT=$(docker import - imported:gz <"$T/busybox.tar.gz" 2>&1) || RC=$?
assert_eq 0 "$RC" "exit status of 'docker import - imported:gz' (output: $OUT)"
assert_eq "[\"$DIFF_ID\"]" "$(inspect '{{json .RootFS.Layers}}' imported:gz)" "a gzipped import has the tar's diff_id"

note "no temporary entries left behind"
assert_not_contains "$(image_state)" "TEMP " "image_state after save/load/import"
