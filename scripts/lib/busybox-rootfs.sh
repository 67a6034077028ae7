#!/usr/bin/env bash
# busybox-rootfs.sh OUT.tar — a minimal root filesystem from Debian's
# busybox-static: /bin/busybox, a link for every applet, /etc/passwd and
# /etc/group, and the usual empty directories. Deterministic (sorted names,
# fixed times, root ownership), so the same busybox gives the same layer.
#
# Imported with `berth image import` (CMD ["sh"], PATH) it becomes
# busybox:latest for the quickstart and the tests: no internet needed.
set -euo pipefail

out=${1:?usage: busybox-rootfs.sh OUT.tar}
bb=${BUSYBOX:-/bin/busybox}
[[ -x $bb ]] || bb=$(command -v busybox || true)
if [[ -z $bb ]] || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
  # file(1) may be absent; fall back to ldd's verdict.
  if [[ -z $bb ]] || ldd "$bb" >/dev/null 2>&1; then
    echo "busybox-rootfs: need a statically linked busybox (apt-get install busybox-static)" >&2
    exit 1
  fi
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/berth-busybox-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,home,var/spool/mail,var/www}
chmod 0755 "$root"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
install -m 0755 "$bb" "$root/bin/busybox"
# Every applet at the path busybox itself names (bin/sh, usr/bin/awk, ...).
while read -r applet; do
  [[ -z $applet || $applet == bin/busybox ]] && continue
  mkdir -p "$root/$(dirname "$applet")"
  ln -sf /bin/busybox "$root/$applet"
done < <("$bb" --list-full)

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:12:
users:x:100:
www-data:x:33:
nogroup:x:65534:
GROUP
chmod 0644 "$root/etc/passwd" "$root/etc/group"

tar --create --file "$out" --directory "$root" --sort=name --numeric-owner --owner=0 --group=0 \
  --mtime=@0 --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
