#!/usr/bin/env bash
# container_userns.sh — berthd with daemon.json {"userns-remap": "<user>"},
# driven by the stock docker CLI, checked against what dockerd does: the
# container's root is the remap user's first subordinate uid/gid (H/G) on
# the host and 0 inside; the data root is <data-root>/<H>.<G>; image files,
# volumes and the container's writes belong to H:G on the host; cp and
# commit carry container ids; privileged, host network and host pid are
# refused unless --userns host.
#
# The test makes its own remap user brt<pid> (a system user with its own
# group) and one range for it in /etc/subuid and /etc/subgid above every
# range there. Its EXIT trap removes the user, the group and those lines
# (every other byte of the files stays as it was), and first sweeps what
# earlier runs that died left behind (brt<pid> users whose pid is gone).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

for _tool in useradd userdel groupdel python3 tar; do
    command -v "$_tool" >/dev/null || skip "$_tool not installed"
done
unset _tool

P=uns$$ # name prefix
NET=(--network none)
REMAP_USER=brt$$
SIZE=65536

# drop_sub_lines NAME — remove the lines of NAME ("NAME:start:count") from
# /etc/subuid and /etc/subgid, leaving every other byte as it was (in
# place: owner, mode and inode stay).
drop_sub_lines() {
    local f
    for f in /etc/subuid /etc/subgid; do
        [ -f "$f" ] || continue
        python3 - "$f" "$1" <<'EOF'
import sys
path, name = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    data = f.read()
lines = data.splitlines(keepends=True)
keep = [l for l in lines if l.split(b":", 1)[0] != name.encode()]
if len(keep) != len(lines):
    with open(path, "r+b") as f:
        f.seek(0)
        f.write(b"".join(keep))
        f.truncate()
EOF
    done
}

# remove_remap_user NAME — the user, its group and its ranges.
remove_remap_user() {
    local name=$1
    if getent passwd "$name" >/dev/null; then
        userdel "$name" >/dev/null 2>&1 || echo "warning: userdel $name failed" >&2
    fi
    if getent group "$name" >/dev/null; then
        groupdel "$name" >/dev/null 2>&1 || echo "warning: groupdel $name failed" >&2
    fi
    drop_sub_lines "$name"
}

# Leftovers of earlier runs that could not clean up (kill -9): brt<pid>
# users whose pid no longer runs.
sweep_leftovers() {
    local name pid
    for name in $(cut -d: -f1 /etc/passwd /etc/subuid /etc/subgid 2>/dev/null | { grep -E '^brt[0-9]+$' || true; } | sort -u); do
        pid=${name#brt}
        [ "$pid" == "$$" ] && continue
        pid_alive "$pid" && continue
        echo "sweeping $name, left by an earlier run" >&2
        remove_remap_user "$name"
    done
}

_userns_exit() {
    local rc=$?
    set +e
    # Containers first (they run as H, not as the user), then the user.
    ct_cleanup
    remove_remap_user "$REMAP_USER"
    (exit "$rc")
    it_cleanup
}
trap _userns_exit EXIT

sweep_leftovers

# The first free id past every range of a file, rounded up to a whole
# range, never below 100000 (useradd's SUB_UID_MIN).
free_start() {
    awk -F: -v size="$SIZE" '
        NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { end = $2 + $3; if (end > max) max = end }
        END {
            if (max < 100000) max = 100000
            print int((max + size - 1) / size) * size
        }' "$1" 2>/dev/null || echo 100000
}

useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$REMAP_USER" ||
    fail "useradd $REMAP_USER failed"
# Some useradd builds hand out ranges themselves: only ours may be there.
drop_sub_lines "$REMAP_USER"
touch /etc/subuid /etc/subgid
H=$(free_start /etc/subuid)
# A gid base unlike the uid base, so a swapped uid/gid shows.
G=$(($(free_start /etc/subgid) + SIZE))
echo "$REMAP_USER:$H:$SIZE" >>/etc/subuid
echo "$REMAP_USER:$G:$SIZE" >>/etc/subgid
note "remap user $REMAP_USER: uids $H+, gids $G+ ($SIZE each)"

printf '{"userns-remap": "%s"}\n' "$REMAP_USER" >"$T/daemon.json"
# mktemp made $T 0700: the containers' root (H) must pass through it to
# its data root, as through /var/lib for dockerd's.
chmod 0711 "$T"
ct_setup --config-file "$T/daemon.json"

owner() { stat -c '%u:%g' "$1"; }

# Every entry of a tar on stdin as "name uid gid".
tar_owners() {
    python3 -c '
import sys, tarfile
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as t:
    for m in t:
        print(m.name, m.uid, m.gid)
'
}

s_info() {
    dk_ok info --format '{{json .SecurityOptions}}'
    assert_contains "$OUT" '"name=userns"' "docker info Security Options"
    dk_ok info --format '{{.DockerRootDir}}'
    assert_match "$OUT" "/$H\.$G\$" "docker info Docker Root Dir ends with /<uid>.<gid>"
    [ -d "$OUT" ] || fail "Docker Root Dir $OUT is not a directory"
    assert_eq "0:$G" "$(owner "$OUT")" "owner of the remapped data root"
    assert_eq 710 "$(stat -c %a "$OUT")" "mode of the remapped data root"
    assert_eq 711 "$(stat -c %a "$T/data")" "mode of the data root itself"
}

s_maps() {
    dk_ok run --rm "${NET[@]}" busybox cat /proc/self/uid_map
    assert_eq "0 $H $SIZE" "$(tr -s ' \t' ' ' <<<"$OUT" | sed 's/^ //')" "uid_map inside"
    dk_ok run --rm "${NET[@]}" busybox cat /proc/self/gid_map
    assert_eq "0 $G $SIZE" "$(tr -s ' \t' ' ' <<<"$OUT" | sed 's/^ //')" "gid_map inside"
    dk_ok run --rm "${NET[@]}" busybox id -u
    assert_eq 0 "$OUT" "id -u inside"
    dk_ok run --rm "${NET[@]}" busybox id -g
    assert_eq 0 "$OUT" "id -g inside"
    # The process as the host sees it.
    dk_ok run -d "${NET[@]}" --name "$P-ps" busybox sleep 300
    local pid
    pid=$(ci '{{.State.Pid}}' "$P-ps")
    assert_eq "$H" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "host uid of the container's process"
    assert_eq "$G" "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" "host gid of the container's process"
    dk_ok rm -f "$P-ps"
}

s_image_files() {
    dk_ok run --rm "${NET[@]}" busybox stat -c '%u:%g' /bin/busybox /bin /etc
    assert_eq "0:0
0:0
0:0" "$OUT" "owners of image files inside"
    # On the host: the image's layer, found through GraphDriver.Data.
    dk_ok image inspect --format '{{.GraphDriver.Data.UpperDir}}' busybox
    local layer=$OUT
    [ -d "$layer" ] || fail "image GraphDriver.Data.UpperDir '$layer' is not a directory"
    assert_contains "$layer" "/$H.$G/" "the image's layer lives below the remapped data root"
    assert_eq "$H:$G" "$(owner "$layer/bin/busybox")" "host owner of the image's /bin/busybox"
    assert_eq "$H:$G" "$(owner "$layer/bin")" "host owner of the image's /bin"
}

s_writes() {
    dk_ok run "${NET[@]}" --name "$P-w" busybox sh -c \
        'echo new >/newfile && echo "10.9.8.7 extra" >>/etc/hosts && cat /newfile && grep -c extra /etc/hosts && stat -c %u:%g /newfile /etc/hosts /etc/hostname /etc/resolv.conf'
    assert_eq "new
1
0:0
0:0
0:0
0:0" "$OUT" "writes to / and /etc/hosts, and their owners inside"
    dk_ok inspect --format '{{.GraphDriver.Data.UpperDir}}' "$P-w"
    local upper=$OUT
    assert_eq "$H:$G" "$(owner "$upper/newfile")" "host owner of a file the container made"
    dk_ok inspect --format '{{.HostsPath}}' "$P-w"
    assert_eq "$H:$G" "$(owner "$OUT")" "host owner of the container's hosts file"
    dk_ok rm "$P-w"
}

s_volume() {
    dk_ok run --rm "${NET[@]}" -v "$P-v:/data" busybox sh -c 'echo hi >/data/f && mkdir /data/d && ls -ln /data'
    assert_match "$OUT" '^-[rwx-]+ +1 +0 +0 .* f$' "ls -ln of a file in the volume, inside"
    assert_match "$OUT" '^d[rwx-]+ +[0-9]+ +0 +0 .* d$' "ls -ln of a directory in the volume, inside"
    dk_ok volume inspect --format '{{.Mountpoint}}' "$P-v"
    local data=$OUT
    assert_match "$data" "/$H\.$G/volumes/$P-v/_data\$" "volume Mountpoint"
    assert_eq "$H:$G" "$(owner "$data")" "host owner of the volume's _data"
    assert_eq "$H:$G" "$(owner "$data/f")" "host owner of a file written to the volume"
    assert_eq hi "$(cat "$data/f")" "content of the volume's file on the host"
    dk_ok run --rm "${NET[@]}" -v "$P-v:/data" busybox cat /data/f
    assert_eq hi "$OUT" "the volume in a second container"
    dk_ok volume rm "$P-v"
}

s_cp() {
    dk_ok run -d "${NET[@]}" --name "$P-cp" busybox sh -c \
        'mkdir -p /srv/out && echo data >/srv/out/f && chown 5:7 /srv/out/f && sleep 300'
    wait_until 20 "/srv/out/f in $P-cp" docker exec "$P-cp" test -f /srv/out/f
    docker cp "$P-cp:/srv/out" - >"$T/cp-out.tar" || fail "docker cp $P-cp:/srv/out - failed"
    assert_eq "out 0 0
out/f 5 7" "$(tar_owners <"$T/cp-out.tar")" "owners in the tar of docker cp out"
    # The archive endpoint itself.
    curl -sf --unix-socket "$SOCK" "http://berth/v1.43/containers/$P-cp/archive?path=/etc/hostname" \
        -o "$T/hostname.tar" || fail "GET archive of /etc/hostname failed"
    assert_eq "hostname 0 0" "$(tar_owners <"$T/hostname.tar")" "owner of /etc/hostname in GET archive"

    # cp in: the local owners are container ids.
    mkdir -p "$T/cpin"
    echo root-owned >"$T/cpin/r"
    echo user-owned >"$T/cpin/u"
    chown 0:0 "$T/cpin/r"
    chown 1000:1000 "$T/cpin/u"
    dk_ok cp "$T/cpin/r" "$P-cp:/srv/r"
    dk_ok cp "$T/cpin/u" "$P-cp:/srv/u"
    dk_ok exec "$P-cp" ls -ln /srv/r /srv/u
    assert_match "$OUT" '^-[rwx-]+ +1 +0 +0 .*/srv/r$' "ls -ln of a file copied in (root-owned locally)"
    assert_match "$OUT" '^-[rwx-]+ +1 +1000 +1000 .*/srv/u$' "ls -ln of a file copied in (1000-owned locally)"
    dk_ok exec "$P-cp" cat /srv/r
    assert_eq root-owned "$OUT" "content of a file copied in"
    dk_ok inspect --format '{{.GraphDriver.Data.UpperDir}}' "$P-cp"
    local upper=$OUT
    assert_eq "$H:$G" "$(owner "$upper/srv/r")" "host owner of a file copied in"
    assert_eq "$((H + 1000)):$((G + 1000))" "$(owner "$upper/srv/u")" "host owner of a 1000-owned file copied in"

    # A container id the map lacks cannot be copied in.
    echo far >"$T/cpin/far"
    chown $((SIZE + 5)):0 "$T/cpin/far"
    dk cp "$T/cpin/far" "$P-cp:/srv/far"
    assert_ne 0 "$RC" "docker cp of a file owned by an unmapped id (output: $OUT)"
    assert_contains "$OUT" "cannot be mapped" "docker cp of a file owned by an unmapped id"

    # export: container ids too.
    docker export "$P-cp" >"$T/export.tar" || fail "docker export failed"
    tar_owners <"$T/export.tar" >"$T/export.owners"
    assert_eq "srv/out/f 5 7" "$(grep '^srv/out/f ' "$T/export.owners")" "owner of srv/out/f in docker export"
    assert_eq "bin/busybox 0 0" "$(grep '^bin/busybox ' "$T/export.owners")" "owner of bin/busybox in docker export"
    if grep -Eq " ($H|$G) " "$T/export.owners"; then
        fail "docker export carries host ids: $(grep -E " ($H|$G) " "$T/export.owners" | head -3)"
    fi

    # commit: the new image's files are the container's root's.
    dk_ok commit "$P-cp" "$P-img:1"
    dk_ok rm -f "$P-cp"
    dk_ok run --rm "${NET[@]}" "$P-img:1" stat -c '%n %u:%g' /srv/r /srv/u /srv/out/f /bin/busybox
    assert_eq "/srv/r 0:0
/srv/u 1000:1000
/srv/out/f 5:7
/bin/busybox 0:0" "$OUT" "owners inside a container of the committed image"
    dk_ok image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$P-img:1"
    assert_eq "$H:$G" "$(owner "$OUT/srv/r")" "host owner of a file of the committed layer"
    dk_ok rmi "$P-img:1"
}

s_refused() {
    local before
    before=$(docker ps -aq | wc -l)
    dk run --rm --privileged "${NET[@]}" busybox true
    assert_ne 0 "$RC" "docker run --privileged under userns-remap (output: $OUT)"
    assert_contains "$OUT" "privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode" \
        "docker run --privileged under userns-remap"
    dk run --rm --network host busybox true
    assert_ne 0 "$RC" "docker run --network host under userns-remap (output: $OUT)"
    assert_contains "$OUT" "cannot share the host's network namespace when user namespaces are enabled" \
        "docker run --network host under userns-remap"
    dk run --rm --pid host "${NET[@]}" busybox true
    assert_ne 0 "$RC" "docker run --pid host under userns-remap (output: $OUT)"
    assert_contains "$OUT" "cannot share the host PID namespace when user namespaces are enabled" \
        "docker run --pid host under userns-remap"
    assert_eq "$before" "$(docker ps -aq | wc -l)" "number of containers after refused runs"
}

s_userns_host() {
    dk_ok run --rm --userns host "${NET[@]}" busybox cat /proc/self/uid_map
    assert_eq "0 0 4294967295" "$(tr -s ' \t' ' ' <<<"$OUT" | sed 's/^ //')" "uid_map with --userns host"
    dk_ok run --rm --userns host "${NET[@]}" busybox id -u
    assert_eq 0 "$OUT" "id -u with --userns host"
    # Opting out lifts the refusals.
    dk_ok run --rm --userns host --pid host "${NET[@]}" busybox true
}

section info s_info
section maps s_maps
section image_files s_image_files
section writes s_writes
section volume s_volume
section cp s_cp
section refused s_refused
section userns_host s_userns_host
sections_done
