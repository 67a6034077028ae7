#!/usr/bin/env bash
# storage_selection.sh — which storage driver berthd picks, and why it
# passes over the others: priority order, existing data, an explicit choice,
# a missing overlay2 plugin file (berthd moves on to btrfs on a btrfs data
# root), and refusals (explicit driver unusable, data of two drivers).
. "$(dirname "$0")/lib.sh"

command -v mkfs.btrfs >/dev/null || skip "mkfs.btrfs not installed (btrfs-progs)"
grep -qw btrfs /proc/filesystems || skip "kernel has no btrfs"

info_field() { # EXPR — evaluate over GET /v1.44/info of the main daemon
    api GET /v1.44/info
    assert_status 200 "GET /info"
    json_eval "$1" <<<"$HTTP_BODY"
}
driver_status() { info_field '"\n".join(k + ": " + v for k, v in d["DriverStatus"])'; }
stop_main() { stop_pid "$BERTHD_PID"; }

note "all plugins, ext4 data root: overlay2 by priority"
start_berthd
assert_eq overlay2 "$(info_field 'd["Driver"]')" "Driver"
status=$(driver_status)
assert_contains "$status" "Passed over btrfs: lower priority than overlay2" "DriverStatus"
assert_contains "$("$BERTH" -H "$HOST" info)" "Storage Driver: overlay2" "berth info"
stop_main

note "restart: the existing overlay2 data decides"
start_berthd
assert_eq overlay2 "$(info_field 'd["Driver"]')" "Driver after restart"
assert_contains "$(driver_status)" "already holds overlay2 data" "DriverStatus after restart"
stop_main

note "explicit driver that cannot start refuses start"
berthd_spawn "$T/explicit.log" --data-root "$T/data2" --exec-root "$T/run2" -H "unix://$T/explicit.sock" \
    --storage-driver btrfs
wait_exit "$SPAWNED_PID" 15 || fail "berthd with an unusable --storage-driver kept running"
reap "$SPAWNED_PID"
assert_ne 0 "$REAP_RC" "exit status with an unusable --storage-driver"
assert_contains "$(cat "$T/explicit.log")" "storage driver btrfs (configured) cannot start" "refusal message"

note "data of two drivers refuses start"
mkdir -p "$T/data3/storage/overlay2/l" "$T/data3/storage/btrfs/subvolumes/x"
berthd_spawn "$T/two.log" --data-root "$T/data3" --exec-root "$T/run3" -H "unix://$T/two.sock"
wait_exit "$SPAWNED_PID" 15 || fail "berthd with data of two drivers kept running"
reap "$SPAWNED_PID"
assert_ne 0 "$REAP_RC" "exit status with data of two drivers"
assert_contains "$(cat "$T/two.log")" "holds data of several storage drivers (btrfs, overlay2)" "refusal message"

# A prefix like an install, minus the overlay2 plugin file: berthd finds its
# plugins relative to its own binary.
mkdir -p "$T/prefix/bin" "$T/prefix/lib/berth/plugins"
cp "$BERTHD" "$T/prefix/bin/berthd"
for f in "$BERTH_BUNDLED_PLUGIN_DIR"/libberth-*.so.[0-9]*; do
    case "$f" in *storage-overlay2*) continue ;; esac
    cp "$f" "$T/prefix/lib/berth/plugins/"
done
BERTHD="$T/prefix/bin/berthd"

note "overlay2 plugin removed, ext4 data root: no driver can start, berthd still serves and says why"
rm -rf "$T/data" "$T/run"
start_berthd
assert_eq "" "$(info_field 'd["Driver"]')" "Driver without overlay2 on ext4"
status=$(driver_status)
assert_contains "$status" "Passed over overlay2: no plugin file provides it" "DriverStatus"
assert_contains "$status" "Passed over btrfs:" "DriverStatus"
assert_contains "$status" "not btrfs" "btrfs reason"
assert_contains "$status" "windowsfilter needs a Windows host" "windowsfilter reason"
assert_contains "$(cat "$BERTHD_LOG")" "no storage driver could start" "daemon log"
stop_main

note "overlay2 plugin removed, btrfs data root: berthd starts on btrfs"
truncate -s 1G "$T/btrfs.img"
mkfs.btrfs -q "$T/btrfs.img" || fail "mkfs.btrfs failed"
mkdir -p "$T/btrfs"
mount -o loop "$T/btrfs.img" "$T/btrfs" || fail "cannot loop-mount the btrfs image"
# lib.sh unmounts everything below $T on exit; the loop device goes with it
# (mount -o loop sets autoclear).
berthd_spawn "$T/btrfs.log" --data-root "$T/btrfs/data" --exec-root "$T/run-btrfs" -H "unix://$T/btrfs.sock"
BERTHD_PID=$SPAWNED_PID
wait_ping "$T/btrfs.sock" "$BERTHD_PID" "$T/btrfs.log"
SOCK="$T/btrfs.sock"
assert_eq btrfs "$(info_field 'd["Driver"]')" "Driver on a btrfs data root without overlay2"
assert_contains "$(driver_status)" "Passed over overlay2: no plugin file provides it" "DriverStatus"
assert_contains "$(cat "$T/btrfs.log")" "storage driver overlay2 passed over: no plugin file provides it" "log"
stop_main
