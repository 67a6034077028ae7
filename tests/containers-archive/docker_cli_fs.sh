#!/usr/bin/env bash
# The stock docker CLI against the container filesystem routes (served by
# fs_cli_server over a plain directory): cp both ways with docker's naming
# rules, cp through a container symlink that points at "/" and one that
# points out of the rootfs, export, diff and commit.
set -euo pipefail

server=${1:?usage: docker_cli_fs.sh <fs_cli_server>}
command -v docker >/dev/null || { echo "SKIP: no docker CLI"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/berth-fs-cli.XXXXXX")
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

root=$work/rootfs
mkdir -p "$root/etc" "$root/dir/sub" "$root/new" "$work/host" "$work/out" "$work/data"
echo "host secret" >"$work/host/secret"
echo "root:x:0:0::/root:/bin/sh" >"$root/etc/passwd"
echo A >"$root/dir/a"
echo B >"$root/dir/sub/b"
echo N >"$root/new/n"
ln -s / "$root/evil"
ln -s ../../../host "$root/escape"
ln -s dir "$root/link"

"$server" "$work/sock" "$root" "$work/data" &
pid=$!
export DOCKER_HOST=unix://$work/sock DOCKER_CONFIG=$work/docker-config
for _ in $(seq 100); do [[ -S $work/sock ]] && break; sleep 0.1; done
docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1 || true

# cp out: a directory by name, its content with "/.", a file, a symlink's target with -L.
docker cp web:/dir "$work/out/" || fail "cp web:/dir"
[[ $(cat "$work/out/dir/sub/b") == B ]] || fail "cp web:/dir did not copy dir/sub/b"
mkdir "$work/out/content"
docker cp web:/dir/. "$work/out/content" || fail "cp web:/dir/."
[[ -f $work/out/content/a && ! -e $work/out/content/dir ]] || fail "cp web:/dir/. did not copy the content only"
docker cp web:/etc/passwd "$work/out/pw" || fail "cp web:/etc/passwd"
cmp -s "$work/out/pw" "$root/etc/passwd" || fail "cp of a file changed it"
docker cp -L web:/link "$work/out/followed" || fail "cp -L web:/link"
[[ -d $work/out/followed && $(cat "$work/out/followed/a") == A ]] || fail "cp -L did not copy the link's target"
# Through "/evil -> /" the container's passwd comes out, never the host's.
docker cp web:/evil/etc/passwd "$work/out/evil-pw" || fail "cp web:/evil/etc/passwd"
cmp -s "$work/out/evil-pw" "$root/etc/passwd" || fail "cp through /evil left the rootfs"
if docker cp web:/escape/secret "$work/out/escaped" 2>"$work/err"; then fail "cp through /escape reached the host"; fi
grep -q "Could not find the file /escape/secret in container web" "$work/err" || fail "unexpected error: $(cat "$work/err")"

# cp in: into a directory, to a new name, through /evil.
echo in >"$work/in.txt"
docker cp "$work/in.txt" web:/dir/ || fail "cp into /dir/"
[[ $(cat "$root/dir/in.txt") == in ]] || fail "cp into /dir/ missing"
docker cp "$work/in.txt" web:/dir/renamed.txt || fail "cp to a new name"
[[ $(cat "$root/dir/renamed.txt") == in ]] || fail "cp to a new name missing"
docker cp "$work/in.txt" web:/evil/ || fail "cp into /evil/"
[[ -f $root/in.txt ]] || fail "cp into /evil/ did not land in the container's root"
if docker cp "$work/in.txt" web:/escape/ 2>"$work/err"; then fail "cp into /escape/ succeeded"; fi
[[ $(cat "$work/host/secret") == "host secret" && ! -e $work/host/in.txt ]] || fail "cp into /escape/ touched the host"
touch "$root/.readonly"
if docker cp "$work/in.txt" web:/dir/ 2>"$work/err"; then fail "cp into a read-only rootfs succeeded"; fi
grep -q "container rootfs is marked read-only" "$work/err" || fail "unexpected error: $(cat "$work/err")"
rm "$root/.readonly"

# export, diff, commit.
docker export web -o "$work/export.tar" || fail "export"
# Listed to a file first: under pipefail, grep -q leaving early would make
# tar die of SIGPIPE and the check fail at random.
tar -tf "$work/export.tar" >"$work/export.list" || fail "export.tar does not list"
grep -qx "dir/sub/b" "$work/export.list" || fail "export lacks dir/sub/b"
[[ $(docker diff web) == $'C /etc\nA /new' ]] || fail "diff printed: $(docker diff web)"
id=$(docker commit -a Ann -m snap -c 'ENV X=1' web example/snap:v1) || fail "commit"
[[ $id == sha256:* ]] || fail "commit printed $id"
config=$work/data/image/fake/blobs/sha256/${id#sha256:}
grep -q '"container_config"' "$config" || fail "the committed config has no container_config"
grep -q 'X=1' "$config" || fail "the --change was not applied"
echo "docker_cli_fs: all checks passed"
