#!/usr/bin/env bash
# bench/storage-apply-diff.sh — apply_diff throughput of the storage drivers
# against plain `tar -x` on the same disk, as medians and a ratio.
#
# A ~200 MB layer of many files (1,600 x 64 KiB + 100 x 1 MiB, random data,
# nested directories) is tarred once. Each run, for tar and for every driver,
# extracts it into a fresh directory / layer and syncs the file system; the
# medians of RUNS runs are compared. overlay2 runs on the disk that holds the
# work directory; btrfs on a loop-mounted btrfs image on that same disk, and
# its tar baseline is measured inside that image too.
#
#   bench/storage-apply-diff.sh [BUILD_DIR]     (default: build)
#   RUNS=5 WORK=/var/tmp bench/storage-apply-diff.sh
# Needs root (mounts). Target: each driver within 1.3x of tar.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
runs=${RUNS:-5}
bench=$build/bin/berth-bench-apply-diff
plugins=$build/lib/berth/plugins
[ -x "$bench" ] || { echo "build first: $bench is missing" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (overlay and loop mounts)" >&2; exit 2; }

work=$(mktemp -d "${WORK:-/var/tmp}/berth-bench-XXXXXX")
cleanup() {
    set +e
    mountpoint -q "$work/btrfs" && umount "$work/btrfs"
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "== making the layer (this takes a moment)"
src=$work/src
for d in $(seq 0 39); do
    mkdir -p "$src/dir$d/sub"
    for f in $(seq 0 39); do head -c 65536 /dev/urandom >"$src/dir$d/sub/f$f"; done
done
mkdir -p "$src/big"
for f in $(seq 0 99); do head -c 1048576 /dev/urandom >"$src/big/b$f"; done
tar -cf "$work/layer.tar" -C "$src" .
rm -rf "$src"
echo "   $(du -m "$work/layer.tar" | cut -f1) MB, $(tar -tf "$work/layer.tar" | wc -l) entries"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# tar_runs DIR — median seconds of tar -x + syncfs into fresh dirs under DIR.
tar_runs() {
    local dir=$1 i t0 t1
    for i in $(seq 1 "$runs"); do
        mkdir -p "$dir/x$i"
        t0=$(date +%s.%N)
        tar -xf "$work/layer.tar" -C "$dir/x$i"
        sync -f "$dir/x$i"
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
        rm -rf "$dir/x$i"
        sync -f "$dir"
    done | median
}

# driver_runs PLUGIN HOME — median seconds of apply_diff.
driver_runs() {
    "$bench" "$1" --home "$2" --tar "$work/layer.tar" --runs "$runs" |
        tee /dev/stderr | sed -n 's/^median: \([0-9.]*\) s.*/\1/p'
}

results=()
echo "== overlay2 (home on $(stat -f -c %T "$work"))"
mkdir -p "$work/overlay2-home" "$work/tar-plain"
tar_plain=$(tar_runs "$work/tar-plain")
ov=$(driver_runs "$plugins/libberth-storage-overlay2.so.1" "$work/overlay2-home")
results+=("overlay2 $ov $tar_plain")

if command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems; then
    echo "== btrfs (loop image on the same disk)"
    truncate -s 2G "$work/btrfs.img"
    mkfs.btrfs -q "$work/btrfs.img"
    mkdir -p "$work/btrfs"
    mount -o loop "$work/btrfs.img" "$work/btrfs"
    mkdir -p "$work/btrfs/home" "$work/btrfs/tar"
    tar_btrfs=$(tar_runs "$work/btrfs/tar")
    bt=$(driver_runs "$plugins/libberth-storage-btrfs.so.1" "$work/btrfs/home")
    results+=("btrfs $bt $tar_btrfs")
fi

echo
printf '%-10s %14s %14s %8s\n' driver "apply_diff s" "tar -x s" ratio
for r in "${results[@]}"; do
    set -- $r
    printf '%-10s %14.3f %14.3f %8.2f\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { print a / b }')"
done
echo "(medians of $runs runs each; ratio = apply_diff / tar -x, target <= 1.3)"
