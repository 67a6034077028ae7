#!/usr/bin/env bash
# conformance_overlay2-prereq.sh — overlay2 refuses, with the reason, a home
# whose file system has no d_type (ext4 made without the filetype feature);
# the kit then skips (exit 77) and prints that reason. This test passes only
# when the refusal and its reason are exactly that.
. "$(dirname "$0")/lib.sh"

for tool in mkfs.ext4 losetup truncate; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done

storage_setup berth-it-nodtype-
img="$T/nodtype.img"
mnt="$T/mnt"
detach_loops() {
    losetup -j "$img" | cut -d: -f1 | while read -r dev; do
        losetup -d "$dev" || echo "warning: could not detach $dev" >&2
    done
}
STORAGE_CLEANUP_HOOK=detach_loops

install_build

echo "--- 64 MiB ext4 without d_type on $img"
truncate -s 64M "$img"
mkfs.ext4 -q -F -O ^filetype "$img" || fail "mkfs.ext4 failed"
mkdir "$mnt"
mount -o loop "$img" "$mnt" || skip "cannot loop-mount an ext4 image here"

rc=0
"$KIT" storage "$(installed_driver overlay2)" --home "$mnt/home" >"$T/kit.out" 2>"$T/kit.err" || rc=$?
cat "$T/kit.out"
[ "$rc" -eq 77 ] || fail "expected the kit to skip (77) because overlay2 refuses a home without d_type; it exited $rc"
grep -q '^skipped: .*does not support d_type' "$T/kit.out" ||
    fail "the kit skipped, but not for the missing d_type: $(grep '^skipped:' "$T/kit.out" || echo '(no reason)')"
echo "--- overlay2 refused the home without d_type, as it must"
