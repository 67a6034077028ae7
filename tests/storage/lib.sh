# shellcheck shell=bash
# lib.sh — shared by the storage conformance tests. Source it first thing:
#   . "$(dirname "$0")/lib.sh"
#
# Environment (set by tests/storage/CMakeLists.txt):
#   BUILD_DIR        the build tree to install
#   BERTH_ABI_MAJOR  the plugin files' SONAME suffix (default 1)
#
# What sourcing it does: exits 77 ("SKIP: ...") when not root; checks the
# environment. storage_setup then makes $T and installs the EXIT trap.
#
# Exit codes: 0 pass, 1 fail, 77 skip.

set -euo pipefail

skip() {
    echo "SKIP: $*"
    exit 77
}

fail() {
    echo "FAIL [$(basename "$0" .sh)]: $*" >&2
    exit 1
}

if [ "$(id -u)" -ne 0 ]; then
    skip "needs root (the drivers mount, chown and use loop devices)"
fi
if [ -z "${BUILD_DIR:-}" ]; then
    fail "BUILD_DIR is not set; run this test through ctest"
fi
ABI_MAJOR=${BERTH_ABI_MAJOR:-1}

T=""
# A test may set this to a function that runs after everything under $T is
# unmounted and before $T is removed (btrfs: detach the loop device).
STORAGE_CLEANUP_HOOK=""

storage_cleanup() {
    local rc=$? mnt
    if [ -n "$T" ] && [ -d "$T" ]; then
        # Deepest first: a driver's mounts may sit on the test's own mount.
        while read -r mnt; do
            umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null ||
                echo "warning: could not unmount $mnt" >&2
        done < <(awk -v t="$T" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
        if [ -n "$STORAGE_CLEANUP_HOOK" ]; then "$STORAGE_CLEANUP_HOOK" || true; fi
        rm -rf --one-file-system "$T"
    fi
    exit "$rc"
}

# storage_setup <prefix>: $T becomes a fresh /var/tmp/<prefix>XXXXXX, on the
# machine's normal disk (not a tmpfs /tmp: the kit writes a 1 GiB sparse file
# and its tar).
storage_setup() {
    T=$(mktemp -d "/var/tmp/$1XXXXXX")
    trap storage_cleanup EXIT
    # A signal (ctest timeout, ^C) becomes a failing exit so the trap runs.
    trap 'exit 1' INT TERM HUP
}

# install_build: cmake --install the build into $T/prefix; sets KIT.
install_build() {
    command -v cmake >/dev/null || skip "cmake not installed"
    echo "--- cmake --install into $T/prefix"
    cmake --install "$BUILD_DIR" --prefix "$T/prefix" >"$T/install.log" 2>&1 ||
        fail "cmake --install failed:
$(tail -n 40 "$T/install.log")"
    KIT="$T/prefix/bin/berth-plugin-conformance"
    [ -x "$KIT" ] || fail "the install has no bin/berth-plugin-conformance"
}

# installed_driver <name>: the installed plugin file of storage driver name.
installed_driver() {
    local f="$T/prefix/lib/berth/plugins/libberth-storage-$1.so.$ABI_MAJOR"
    [ -f "$f" ] || fail "the install has no lib/berth/plugins/libberth-storage-$1.so.$ABI_MAJOR"
    echo "$f"
}

# run_kit <plugin file> <home dir>: run the installed kit; pass only if it
# exits 0 and its last line says "N passed, 0 failed". Exit 77 from the kit
# (the driver's init said PREREQ) skips the test.
run_kit() {
    local plugin=$1 home=$2 rc=0 summary
    echo "--- berth-plugin-conformance storage $plugin --home $home"
    "$KIT" storage "$plugin" --home "$home" >"$T/kit.out" 2>"$T/kit.err" || rc=$?
    cat "$T/kit.out"
    summary=$(tail -n 1 "$T/kit.out")
    if [ "$rc" -eq 77 ]; then
        skip "the driver is not usable on this host: $(grep '^skipped:' "$T/kit.out" || echo '?')"
    fi
    if ! [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        echo "--- kit stderr" >&2
        tail -n 60 "$T/kit.err" >&2
        fail "the kit exited $rc without a summary line (last line: \"$summary\")"
    fi
    if [ "$rc" -ne 0 ] || [ "${BASH_REMATCH[2]}" -ne 0 ]; then
        echo "--- kit stderr (last 60 lines)" >&2
        tail -n 60 "$T/kit.err" >&2
        fail "the driver failed conformance (kit exit $rc, $summary):
$(grep '^FAIL ' "$T/kit.out" || true)"
    fi
    if [ "${BASH_REMATCH[1]}" -eq 0 ]; then
        fail "the kit passed nothing (exit $rc, $summary)"
    fi
    echo "--- conformance: $summary"
}
