#!/usr/bin/env bash
# container_security.sh — what a default container may not do, and the
# knobs that change it, as with dockerd:
#   - no user or mount namespaces, no mounts, no keyring syscalls, no reboot;
#   - CapEff is Docker's 14 default capabilities (0x00000000a80425fb);
#     --cap-drop ALL --cap-add NET_BIND_SERVICE leaves only bit 10;
#     --privileged gets the daemon's full set and no seccomp filter;
#   - masked /proc files, the device cgroup (mknod works, opening does not);
#   - --memory kills a hog (OOMKilled), --pids-limit stops a fork bomb while
#     the container lives on, --read-only with --tmpfs /tmp;
#   - seccomp=unconfined against the default profile, and a profile naming
#     an unknown syscall refused at create, naming it.
#
# busybox has no keyctl applet, so a tiny static probe (built here with
# the host's C compiler) is bind-mounted into the containers: it calls
# keyctl(KEYCTL_GET_KEYRING_ID) directly and prints "ok" or the errno name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

command -v cc >/dev/null || skip "no C compiler for the keyctl probe"
ct_setup
P=sec$$
NET=(--network none)

mkdir -p "$T/probe"
cat >"$T/probe/keyctl_probe.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
    /* KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), create=1 */
    long r = syscall(SYS_keyctl, 0L, -3L, 1L);
    if (r < 0) {
        printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : strerror(errno));
        return 1;
    }
    printf("ok\n");
    return 0;
}
C
cc -static -O2 -o "$T/probe/keyctl_probe" "$T/probe/keyctl_probe.c" 2>"$T/probe/cc.log" ||
    skip "cannot build the static keyctl probe: $(cat "$T/probe/cc.log")"
PROBE=(-v "$T/probe/keyctl_probe:/keyctl_probe:ro")

status_field() { # FIELD [RUN-ARGS...] — FIELD of /proc/self/status in a new container
    local f=$1
    shift
    dk_ok run --rm "${NET[@]}" "$@" busybox sh -c "grep '^$f:' /proc/self/status | cut -f2"
    printf '%s' "$OUT"
}

s_forbidden() {
    dk run --rm "${NET[@]}" busybox unshare -U true
    assert_ne 0 "$RC" "unshare -U in a default container (output: $OUT)"
    assert_contains "$OUT" "Operation not permitted" "unshare -U"
    dk run --rm "${NET[@]}" busybox unshare -m true
    assert_ne 0 "$RC" "unshare -m in a default container (output: $OUT)"
    assert_contains "$OUT" "Operation not permitted" "unshare -m"
    # /tmp: busybox's rootfs has no /mnt, and ENOENT would prove nothing.
    dk run --rm "${NET[@]}" busybox mount -t tmpfs x /tmp
    assert_ne 0 "$RC" "mount -t tmpfs in a default container (output: $OUT)"
    assert_match "$OUT" "permission denied|Operation not permitted" "mount -t tmpfs"
    dk run --rm "${NET[@]}" "${PROBE[@]}" busybox /keyctl_probe
    assert_eq EPERM "$OUT" "keyctl in a default container (seccomp)"
    dk run --rm "${NET[@]}" busybox sh -c 'reboot -f; echo "rc=$?"'
    assert_match "$OUT" '^rc=[1-9]' "reboot -f in a default container returns an error"
}

s_caps() {
    assert_eq 00000000a80425fb "$(status_field CapEff)" "CapEff of a default container"
    assert_eq 00000000a80425fb "$(status_field CapBnd)" "CapBnd of a default container"
    assert_eq 0000000000000000 "$(status_field CapInh)" "CapInh of a default container"
    assert_eq 0000000000000000 "$(status_field CapEff -u 1000)" "CapEff of a non-root user"
    assert_eq 0000000000000400 "$(status_field CapEff --cap-drop ALL --cap-add NET_BIND_SERVICE)" \
        "CapEff with --cap-drop ALL --cap-add NET_BIND_SERVICE"
    # Defaults minus a drop, plus an add (CAP_SYS_PTRACE is bit 19).
    assert_eq 00000000a80c25fa "$(status_field CapEff --cap-drop CHOWN --cap-add SYS_PTRACE)" \
        "CapEff with --cap-drop CHOWN --cap-add SYS_PTRACE"
    assert_eq 0 "$(status_field NoNewPrivs)" "NoNewPrivs of a default container"
    assert_eq 1 "$(status_field NoNewPrivs --security-opt no-new-privileges)" "NoNewPrivs with no-new-privileges"
    dk run --rm "${NET[@]}" --cap-add NOSUCH busybox true
    assert_eq 125 "$RC" "--cap-add NOSUCH exit status (output: $OUT)"
    assert_contains "$OUT" 'unknown capability: "CAP_NOSUCH"' "--cap-add NOSUCH"
    # --privileged gets the daemon's own effective set (which may lack a cap
    # this kernel knows, as CAP_SYS_RESOURCE in some VMs) and no seccomp.
    local host
    host=$(awk '$1 == "CapEff:" { print $2 }' "/proc/$BERTHD_PID/status")
    assert_eq "$host" "$(status_field CapEff --privileged)" "CapEff of --privileged (the daemon's own set)"
    assert_eq 0 "$(status_field Seccomp --privileged)" "Seccomp mode of --privileged"
}

s_masks_devices() {
    # Docker's masked paths that this kernel has: files are covered with
    # /dev/null (a character device, empty), directories with an empty
    # read-only tmpfs.
    local p checked=0
    for p in /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug; do
        [ -f "$p" ] || continue
        dk_ok run --rm "${NET[@]}" busybox sh -c "[ -c $p ] && echo masked; wc -c <$p"
        assert_eq "masked
0" "$OUT" "$p is masked with /dev/null"
        checked=$((checked + 1))
    done
    for p in /proc/acpi /proc/asound /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
        [ -d "$p" ] || continue
        dk_ok run --rm "${NET[@]}" busybox sh -c "ls -A $p | wc -l; touch $p/x 2>&1 || true"
        assert_eq 0 "$(head -1 <<<"$OUT")" "entries of $p in the container (masked: empty)"
        assert_contains "$OUT" "Read-only file system" "$p is read-only in the container"
        checked=$((checked + 1))
    done
    [ $checked -gt 0 ] || fail "none of Docker's masked paths exists on this kernel"
    dk run --rm "${NET[@]}" busybox sh -c 'echo x > /proc/sys/kernel/domainname'
    assert_ne 0 "$RC" "write to /proc/sys (read-only)"
    assert_contains "$OUT" "Read-only file system" "write to /proc/sys"
    dk run --rm "${NET[@]}" busybox sh -c 'mknod /tmp/blk b 7 0 && echo made && head -c1 /tmp/blk'
    assert_contains "$OUT" "made" "mknod (CAP_MKNOD is a default)"
    assert_contains "$OUT" "Operation not permitted" "opening a block device the device cgroup denies"
    dk_ok run --rm "${NET[@]}" busybox sh -c 'echo hi > /dev/null && head -c4 /dev/zero | wc -c'
    assert_eq 4 "$OUT" "/dev/null and /dev/zero are usable"
}

s_memory() {
    dk run "${NET[@]}" --memory 32m --name "$P-oom" busybox tail /dev/zero
    assert_eq 137 "$RC" "exit status of a memory hog under --memory 32m (output: $OUT)"
    assert_eq true "$(ci '{{.State.OOMKilled}}' "$P-oom")" "State.OOMKilled"
    assert_eq 33554432 "$(ci '{{.HostConfig.Memory}}' "$P-oom")" "HostConfig.Memory"
    dk_ok run --rm "${NET[@]}" --memory 32m busybox sh -c 'echo fits'
    assert_eq fits "$OUT" "a small container under --memory 32m"
}

s_pids() {
    # A fork bomb in a child shell against a limit of 20: its forks fail
    # and it gives up (ash exits on a failed fork). The container lives on:
    # the outer shell kills the leftovers with kill -9 -1 and execs sleep
    # (builtins: no fork needed). --init puts tini at PID 1 to reap the
    # orphaned sleeps; zombies would otherwise hold the pids forever.
    dk_ok run -d "${NET[@]}" --init --pids-limit 20 --name "$P-bomb" busybox sh -c '
        sh -c "while :; do sleep 300 & done"
        echo "bomb ended"
        kill -9 -1
        echo survived
        exec sleep 300'
    wait_log "$P-bomb" survived 60
    assert_eq 20 "$(ci '{{.HostConfig.PidsLimit}}' "$P-bomb")" "HostConfig.PidsLimit"
    dk_ok logs "$P-bomb"
    assert_contains "$OUT" "can't fork" "forks past --pids-limit fail"
    assert_eq true "$(ci '{{.State.Running}}' "$P-bomb")" "the container survives the fork bomb"
    # tini reaps the killed sleeps: two processes remain (tini, sleep).
    wait_until 30 "docker top to list only tini and sleep (now: $(docker top "$P-bomb" 2>&1 | wc -l) lines)" \
        sh -c "[ \$(docker top $P-bomb | wc -l) -eq 3 ]"
    dk_ok exec "$P-bomb" echo alive
    assert_eq alive "$OUT" "exec after the fork bomb"
}

s_read_only() {
    dk run --rm "${NET[@]}" --read-only busybox touch /x
    assert_ne 0 "$RC" "touch /x on --read-only"
    assert_contains "$OUT" "Read-only file system" "touch /x on --read-only"
    dk_ok run --rm "${NET[@]}" --read-only --tmpfs /tmp busybox sh -c 'touch /tmp/y && echo wrote && grep " /tmp " /proc/mounts'
    assert_contains "$OUT" "wrote" "--tmpfs /tmp on a --read-only rootfs"
    assert_match "$OUT" ' /tmp tmpfs rw,nosuid,nodev,noexec' "--tmpfs /tmp mount options (docker's defaults)"
}

s_seccomp() {
    assert_eq 2 "$(status_field Seccomp)" "Seccomp mode of a default container (filter)"
    assert_eq 0 "$(status_field Seccomp --security-opt seccomp=unconfined)" "Seccomp mode with seccomp=unconfined"
    dk run --rm "${NET[@]}" "${PROBE[@]}" --security-opt seccomp=unconfined busybox /keyctl_probe
    assert_eq ok "$OUT" "keyctl with seccomp=unconfined"
    # A custom profile: allow everything except keyctl, which gets EPERM.
    cat >"$T/deny-keyctl.json" <<'JSON'
{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO"}]}
JSON
    dk run --rm "${NET[@]}" "${PROBE[@]}" --security-opt "seccomp=$T/deny-keyctl.json" busybox /keyctl_probe
    assert_eq EPERM "$OUT" "keyctl under a custom profile denying it"
    cat >"$T/bad-syscall.json" <<'JSON'
{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","nosuchsyscall_berth"],"action":"SCMP_ACT_ALLOW"}]}
JSON
    dk create "${NET[@]}" --name "$P-badsc" --security-opt "seccomp=$T/bad-syscall.json" busybox true
    assert_ne 0 "$RC" "docker create with a profile naming an unknown syscall (output: $OUT)"
    assert_contains "$OUT" "nosuchsyscall_berth" "the error names the unknown syscall"
    echo '{"defaultAction":' >"$T/bad-json.json"
    dk create "${NET[@]}" --security-opt "seccomp=$T/bad-json.json" busybox true
    assert_ne 0 "$RC" "docker create with a truncated seccomp profile (output: $OUT)"
}

section forbidden s_forbidden
section capabilities s_caps
section masks-devices s_masks_devices
section memory s_memory
section pids-limit s_pids
section read-only s_read_only
section seccomp s_seccomp
sections_done
