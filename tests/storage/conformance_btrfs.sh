#!/usr/bin/env bash
# conformance_btrfs.sh — the installed conformance kit against the installed
# storage-btrfs driver, with its home on a fresh 2 GiB btrfs (a sparse image,
# loop-mounted below $T).
. "$(dirname "$0")/lib.sh"

for tool in mkfs.btrfs losetup truncate; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done
grep -qw btrfs /proc/filesystems || modprobe btrfs 2>/dev/null || true
grep -qw btrfs /proc/filesystems || skip "the kernel has no btrfs"

storage_setup berth-it-btrfs-
img="$T/btrfs.img"
mnt="$T/mnt"

# Runs after the lib's EXIT trap unmounted everything below $T: mount -o loop
# normally frees its loop device on umount, but not after a lazy unmount or
# when the mount itself failed half way.
detach_loops() {
    losetup -j "$img" | cut -d: -f1 | while read -r dev; do
        losetup -d "$dev" || echo "warning: could not detach $dev" >&2
    done
}
STORAGE_CLEANUP_HOOK=detach_loops

install_build

echo "--- 2 GiB btrfs on $img"
truncate -s 2G "$img"
mkfs.btrfs -q "$img" || fail "mkfs.btrfs failed"
mkdir "$mnt"
mount -o loop "$img" "$mnt" || skip "cannot loop-mount a btrfs image here"

run_kit "$(installed_driver btrfs)" "$mnt/home"
