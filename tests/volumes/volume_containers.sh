#!/usr/bin/env bash
# volume_containers.sh — volumes as containers use them, through the stock
# docker CLI against berthd:
#   - a tmpfs options volume is mounted while a container runs (with its
#     `o` data) and unmounted on the host when the container is gone;
#   - a fresh volume over an image directory gets the image's files
#     (copy-up), a non-empty one and a nocopy mount do not;
#   - kill -9 of berthd with a container running on a tmpfs volume: after
#     the restart the volume is still mounted exactly once with the
#     container's data, is "in use", and goes away with the container.
# Needs root, runc and the docker CLI (exit 77 otherwise, or while berthd
# does not route /volumes and containers yet).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/../integration/image_lib.sh"
. "$here/../integration/container_lib.sh"

# container_lib's EXIT trap ends with `set -e` still on, so for a failing or
# skipped test `(exit $rc)` aborts it before lib.sh's clean-up stops berthd.
# Same steps, with errexit off.
_vc_exit() {
    local rc=$?
    ct_cleanup
    set +e
    (exit "$rc")
    it_cleanup
}
trap _vc_exit EXIT

ct_setup
need_route GET /v1.43/volumes volumes
P=vc$$
NET=(--network none)

# How many times PATH is a mount point in the host's mount table.
mount_count() { awk -v p="$1" '$5 == p { n++ } END { print n + 0 }' /proc/self/mountinfo; }
mountpoint_of() { dk_ok volume inspect -f '{{.Mountpoint}}' "$1"; printf '%s' "$OUT"; }

s_tmpfs_volume() {
    dk_ok volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=8m,uid=1000 "$P-tmp"
    local mp
    mp=$(mountpoint_of "$P-tmp")
    assert_eq 0 "$(mount_count "$mp")" "a tmpfs volume is not mounted before use"
    dk_ok run -d "${NET[@]}" --name "$P-tmpuser" -v "$P-tmp:/t" busybox sleep 300
    assert_eq 1 "$(mount_count "$mp")" "the tmpfs volume is mounted while a container uses it"
    dk_ok exec "$P-tmpuser" sh -c 'stat -c %u /t; grep " /t " /proc/mounts | cut -d" " -f3'
    assert_eq "$(printf '1000\ntmpfs')" "$OUT" "the container sees the tmpfs with o's uid"
    dk_fails volume rm "$P-tmp"
    assert_contains "$OUT" "remove $P-tmp: volume is in use - [" "volume rm while a container uses it"
    dk_ok rm -f "$P-tmpuser"
    assert_eq 0 "$(mount_count "$mp")" "the tmpfs volume is unmounted when its last user is gone"
    dk_ok volume rm "$P-tmp"
}

s_copy_up() {
    local mp
    dk_ok run "${NET[@]}" --name "$P-cu" -v "$P-etc:/etc" busybox true
    mp=$(mountpoint_of "$P-etc")
    [ -f "$mp/passwd" ] || fail "a fresh volume over /etc did not get the image's /etc: $(ls -la "$mp")"
    assert_eq "$(stat -c %a "$mp/passwd")" "$(docker run --rm "${NET[@]}" busybox stat -c %a /etc/passwd)" \
        "copy-up keeps the file mode"
    # A volume that already has content keeps it as it is.
    dk_ok volume create "$P-own"
    local own
    own=$(mountpoint_of "$P-own")
    echo mine >"$own/marker"
    dk_ok run "${NET[@]}" --name "$P-cu2" -v "$P-own:/etc" busybox true
    [ ! -e "$own/passwd" ] || fail "the image's /etc was copied into a volume that had content"
    assert_eq mine "$(cat "$own/marker")" "a volume's own content survives being mounted"
    dk_ok run "${NET[@]}" --name "$P-nc" --mount "type=volume,src=$P-nocopy,dst=/etc,volume-nocopy" busybox true
    mp=$(mountpoint_of "$P-nocopy")
    # (runc still creates the hostname/hosts/resolv.conf mount targets there.)
    [ ! -e "$mp/passwd" ] || fail "volume-nocopy still copied: $(ls -A "$mp")"
    dk_ok rm "$P-cu" "$P-cu2" "$P-nc"
    dk_ok volume rm "$P-etc" "$P-own" "$P-nocopy"
}

s_volume_ls_dangling() {
    dk_ok run "${NET[@]}" --name "$P-holder" -v "$P-held:/h" busybox true
    dk_ok volume create "$P-free"
    dk_ok volume ls -q -f dangling=true
    assert_contains "$OUT" "$P-free" "an unused volume is dangling"
    assert_not_contains "$OUT" "$P-held" "a stopped container's volume is not dangling"
    dk_ok rm "$P-holder"
    dk_ok volume rm "$P-held" "$P-free"
}

section tmpfs-volume s_tmpfs_volume
section copy-up s_copy_up
section dangling s_volume_ls_dangling

# Not a section: it restarts berthd, which a section's subshell must not.
note "kill -9 berthd with a tmpfs volume in use"
dk_ok volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=8m "$P-live"
MP=$(mountpoint_of "$P-live")
dk_ok run -d "${NET[@]}" --name "$P-liveuser" -v "$P-live:/t" busybox sh -c 'echo before > /t/f; exec sleep 300'
wait_until 10 "the container wrote its file" test -f "$MP/f"
kill -KILL "$BERTHD_PID"
reap "$BERTHD_PID"
start_berthd
assert_eq 1 "$(mount_count "$MP")" "after the restart the volume is mounted once"
dk_ok exec "$P-liveuser" cat /t/f
assert_eq before "$OUT" "the running container keeps its volume's data"
assert_eq before "$(cat "$MP/f")" "the host sees the same tmpfs"
dk_fails volume rm "$P-live"
assert_contains "$OUT" "volume is in use" "volume rm after the restart"
dk_ok rm -f "$P-liveuser"
assert_eq 0 "$(mount_count "$MP")" "unmounted once its restored user is gone"
dk_ok volume rm "$P-live"

sections_done
