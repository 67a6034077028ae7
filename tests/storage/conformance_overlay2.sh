#!/usr/bin/env bash
# conformance_overlay2.sh — the installed conformance kit against the
# installed storage-overlay2 driver, with its home on the normal disk (the
# ext4 backing file system overlay2 is built for).
. "$(dirname "$0")/lib.sh"

grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || skip "the kernel has no overlay file system"

storage_setup berth-it-overlay2-
install_build
run_kit "$(installed_driver overlay2)" "$T/home"
