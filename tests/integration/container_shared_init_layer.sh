#!/usr/bin/env bash
# container_shared_init_layer.sh — the init layer an image's containers
# share (core/containers/service/shared_init_layers.h), with real runc,
# overlay2 and the stock docker CLI:
#   - two containers of one image have one "<top>-init-shared" layer between
#     them and no "<ID>-init" of their own; a `run --rm` adds none;
#   - inside, /etc/hostname and /etc/hosts are the container's own;
#   - `docker cp` of /etc/hostname, /etc/hosts and of the whole /etc gives
#     the container's files, not the layer's empty mount points;
#   - `docker rmi` of the image (its containers gone) removes the layer and
#     its marker;
#   - a marker whose image layer is gone (a crash between the two removals)
#     is swept when berthd starts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=si$$
NET=(--network none)
STORAGE=$T/data/storage/overlay2
MARKERS=$T/data/init-layers

shared_layers() { find "$STORAGE" -mindepth 1 -maxdepth 1 -name '*-init-shared' -printf '%f\n' | sort; }
own_init_layers() { find "$STORAGE" -mindepth 1 -maxdepth 1 -name '*-init' -printf '%f\n' | sort; }

note "two containers of one image share one init layer"
dk_ok create "${NET[@]}" --name "$P-a" busybox sleep 300
A=$OUT
dk_ok create "${NET[@]}" --name "$P-b" -h bee busybox sleep 300
B=$OUT
assert_eq 1 "$(shared_layers | wc -l)" "shared init layers after two creates: $(shared_layers)"
SHARED=$(shared_layers)
assert_eq "" "$(own_init_layers)" "per-container init layers"
[ -f "$MARKERS/$SHARED" ] || fail "no marker for $SHARED in $MARKERS"
dk_ok run --rm "${NET[@]}" busybox true
assert_eq "$SHARED" "$(shared_layers)" "shared init layers after a run --rm"

note "inside, the container's own /etc files"
dk_ok start "$P-a" "$P-b"
dk_ok exec "$P-b" cat /etc/hostname
assert_eq "bee" "$OUT" "/etc/hostname inside $P-b"
dk_ok exec "$P-a" cat /etc/hosts
HOSTS_A=$OUT
assert_contains "$HOSTS_A" "localhost" "/etc/hosts inside $P-a"

note "docker cp reads the container's own files"
dk_ok cp "$P-b:/etc/hostname" "$T/hostname-b"
assert_eq "bee" "$(cat "$T/hostname-b")" "docker cp of /etc/hostname"
dk_ok cp "$P-a:/etc/hosts" "$T/hosts-a"
assert_eq "$HOSTS_A" "$(cat "$T/hosts-a")" "docker cp of /etc/hosts"
mkdir -p "$T/etc-a"
dk_ok cp "$P-a:/etc" "$T/etc-a/"
assert_eq "${A:0:12}" "$(cat "$T/etc-a/etc/hostname")" "/etc/hostname in docker cp of the whole /etc"
assert_eq "$HOSTS_A" "$(cat "$T/etc-a/etc/hosts")" "/etc/hosts in docker cp of the whole /etc"
dk_ok stop -t 1 "$P-a"
dk_ok cp "$P-a:/etc/hostname" "$T/hostname-a-stopped"
assert_eq "${A:0:12}" "$(cat "$T/hostname-a-stopped")" "docker cp of /etc/hostname from a stopped container"

note "docker rmi takes the shared init layer and its marker with the image"
dk_ok tag busybox "$P-img"
dk_ok rm -f "$P-a" "$P-b"
assert_eq "$SHARED" "$(shared_layers)" "the shared init layer while the image remains"
dk_ok rmi busybox "$P-img"
assert_eq "" "$(shared_layers)" "shared init layers after docker rmi"
[ ! -e "$MARKERS/$SHARED" ] || fail "the marker of $SHARED outlived its image"

note "a marker whose image layer is gone is swept at start"
import_busybox
dk_ok run --rm "${NET[@]}" busybox true
SHARED=$(shared_layers)
[ -n "$SHARED" ] || fail "no shared init layer after re-importing busybox"
ORPHAN=$(printf '%064d' 7)-init-shared
: >"$MARKERS/$ORPHAN"
stop_pid "$BERTHD_PID"
start_berthd
[ ! -e "$MARKERS/$ORPHAN" ] || fail "the orphan marker $ORPHAN survived a restart"
[ -e "$MARKERS/$SHARED" ] || fail "the restart swept the live marker of $SHARED"
assert_eq "$SHARED" "$(shared_layers)" "shared init layers after the restart"
dk_ok run --rm "${NET[@]}" busybox cat /etc/hostname
assert_match "$OUT" '^[0-9a-f]{12}$' "a container after the restart"
note "ok"
