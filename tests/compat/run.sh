#!/usr/bin/env bash
# run.sh — the Docker compatibility suite: real clients nobody here wrote
# (the stock docker CLI, Debian's docker.io client when present, docker-py,
# docker-compose) drive a private berthd. Runs suite.sh, then prints the
# pass table and, as its very last line, "N passed, N failed".
#
#   run.sh [--table FILE]   FILE: also write the table as Markdown (for
#                           docs/compatibility.md)
#
# Environment as for tests/integration (BERTHD, BERTH, BUILD_DIR,
# SOURCE_DIR, ...; tests/compat/CMakeLists.txt sets them).
# Exit: 0 nothing failed, 1 a check (or the set-up) failed, 77 skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
table=""
if [ "${1:-}" == --table ]; then
    table=$2
fi

COMPAT_RESULTS=$(mktemp /tmp/berth-compat-results-XXXXXX)
export COMPAT_RESULTS
trap 'rm -f "$COMPAT_RESULTS"' EXIT

rc=0
bash "$here/suite.sh" || rc=$?

if [ "$rc" -eq 77 ] && ! [ -s "$COMPAT_RESULTS" ]; then
    echo "SKIP: the compatibility suite cannot run here (see above)"
    exit 77
fi
# A set-up failure (or a crash) ends suite.sh before or between checks:
# count it, so the suite can never pass on what it did not run.
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$COMPAT_RESULTS"; then
    printf 'FAIL\tsuite\tset-up\tsuite.sh exited %s before its checks were done\n' "$rc" >>"$COMPAT_RESULTS"
fi

echo
echo "== compatibility table (command x client)"
args=("$COMPAT_RESULTS")
[ -z "$table" ] || args+=(--markdown "$table")
python3 "$here/report.py" "${args[@]}"
grep '^SKIP' "$COMPAT_RESULTS" | awk -F'\t' '{ printf "SKIP [%s] %s: %s\n", $2, $3, $4 }'
grep '^FAIL' "$COMPAT_RESULTS" | awk -F'\t' '{ printf "FAIL [%s] %s: %s\n", $2, $3, $4 }'

read -r passed failed < <(python3 "$here/report.py" "$COMPAT_RESULTS" --counts)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
