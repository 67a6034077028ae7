#!/usr/bin/env bash
# scripts/quickstart.sh — from a fresh Debian 12 machine to a running berthd.
#
#   1. install the Debian packages (scripts/lib/deps.sh; skipped when present)
#   2. build build/ (RelWithDebInfo, Ninja, ccache)
#   3. stop the berthd an earlier run of this script started (pid file)
#   4. install into $PREFIX (default /usr/local)
#   5. start berthd in the background (no systemd), wait until it answers,
#      and show `berth version` and `berth plugin ls`
#
# Run as root. Safe to run again: it rebuilds incrementally, and replaces the
# daemon it started before with the freshly installed one.
#
# Environment: PREFIX (install prefix, default /usr/local), CCACHE_DIR,
# BERTH_JOBS (build parallelism).
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/deps.sh
source "$BERTH_ROOT/scripts/lib/deps.sh"
cd "$BERTH_ROOT"

PREFIX=${PREFIX:-/usr/local}
RUN_DIR=/run/berth
PID_FILE=$RUN_DIR/berthd.pid
LOG_FILE=/var/log/berthd.log
START_TIMEOUT=20 # seconds

((EUID == 0)) || die "run as root: berthd needs root, and this installs into $PREFIX"

# True while pid exists and is not a zombie waiting for its reaper.
alive() { # pid
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}
# True while pid is a live berthd (not a recycled pid of something else).
berthd_running() { # pid
  alive "$1" && [[ $(cat "/proc/$1/comm" 2>/dev/null) == berthd ]]
}

# Stop berthd `pid` (TERM, then KILL after 20 s) and wait until it is gone.
stop_berthd() { # pid
  local pid=$1 i
  berthd_running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    berthd_running "$pid" || return 0
    sleep 0.2
  done
  warn "berthd (pid $pid) did not stop within 20 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while berthd_running "$pid"; do sleep 0.1; done
}

# Stop the berthd a previous run started: only the pid in the pid file, and
# only while that pid is still a berthd.
stop_previous_berthd() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ ]] && berthd_running "$pid"; then
    log "stopping the berthd started earlier (pid $pid)"
    stop_berthd "$pid"
  fi
  rm -f "$PID_FILE"
}

berth_phase_begin deps
berth_install_deps
berth_phase_end

berth_setup_ccache
berth_phase_begin "build (build/)"
berth_configure_build build || die "build failed"
berth_phase_end

# Stop first: overwriting the binary or a plugin a running daemon has mapped
# would crash it.
berth_phase_begin "stop previous berthd"
stop_previous_berthd
berth_phase_end

berth_phase_begin "install ($PREFIX)"
cmake --install build --prefix "$PREFIX"
berth_phase_end

berth_phase_begin "start berthd"
mkdir -p "$RUN_DIR" "$(dirname "$LOG_FILE")"
nohup "$PREFIX/bin/berthd" --log-level info </dev/null >"$LOG_FILE" 2>&1 &
pid=$!
log "berthd started (pid $pid, log $LOG_FILE); waiting up to ${START_TIMEOUT} s for it to answer"
deadline=$((SECONDS + START_TIMEOUT))
until "$PREFIX/bin/berth" version >/dev/null 2>&1; do
  if ! alive "$pid"; then
    tail -n 30 "$LOG_FILE" >&2 || true
    die "berthd exited during start-up; the lines above are the end of $LOG_FILE"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 30 "$LOG_FILE" >&2 || true
    stop_berthd "$pid"
    die "berthd did not answer within ${START_TIMEOUT} s and was stopped; see $LOG_FILE"
  fi
  sleep 0.2
done
# berthd keeps its own pid file at this same default path; writing it here
# as well (same pid, once the daemon is up) keeps re-runs working even if
# the daemon was started with another --pidfile.
echo "$pid" >"$PID_FILE"
berth_phase_end

# busybox:latest from Debian's busybox-static: a base image without internet.
berth_phase_begin "base image busybox:latest"
if "$PREFIX/bin/berth" image inspect busybox:latest >/dev/null 2>&1; then
  log "busybox:latest is already there"
else
  rootfs=$(mktemp "${TMPDIR:-/tmp}/berth-busybox.XXXXXX.tar")
  bash "$BERTH_ROOT/scripts/lib/busybox-rootfs.sh" "$rootfs"
  "$PREFIX/bin/berth" image import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$rootfs" busybox:latest
  rm -f "$rootfs"
fi
berth_phase_end
berth_phase_report

echo
echo "\$ berth version"
"$PREFIX/bin/berth" version
echo
echo "\$ berth plugin ls"
"$PREFIX/bin/berth" plugin ls
echo
echo "\$ berth images"
"$PREFIX/bin/berth" images
echo
echo "\$ berth run --rm busybox echo hello from a berth container"
"$PREFIX/bin/berth" run --rm busybox echo hello from a berth container

# Build examples/hello-web from its Dockerfile, serve it on a free port of
# 127.0.0.1, fetch the page and remove the container again. The container
# has a fixed name, so a leftover from an interrupted run is replaced.
hello_port() { # the first free TCP port on 127.0.0.1 from 18080
  local port
  for ((port = 18080; port < 18180; port++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}
echo
echo "\$ berth build -t hello-web examples/hello-web"
"$PREFIX/bin/berth" build -t hello-web "$BERTH_ROOT/examples/hello-web"
"$PREFIX/bin/berth" rm -f berth-quickstart-hello >/dev/null 2>&1 || true
port=$(hello_port) || die "no free TCP port on 127.0.0.1 between 18080 and 18179 for the hello-web example"
echo
echo "\$ berth run -d --name berth-quickstart-hello -p 127.0.0.1:$port:8080 hello-web"
"$PREFIX/bin/berth" run -d --name berth-quickstart-hello -p "127.0.0.1:$port:8080" hello-web
echo
echo "\$ curl http://127.0.0.1:$port/"
page=""
for ((try = 0; try < 50; try++)); do
  page=$(curl -sf --max-time 2 "http://127.0.0.1:$port/") && break
  sleep 0.2
done
if [[ -n $page ]]; then
  echo "$page"
else
  warn "hello-web did not answer on 127.0.0.1:$port; its logs follow"
  "$PREFIX/bin/berth" logs berth-quickstart-hello >&2 || true
fi
"$PREFIX/bin/berth" rm -f berth-quickstart-hello >/dev/null
[[ -n $page ]] || die "the hello-web example did not serve its page"
cat <<MSG

berthd is running (pid $pid; log $LOG_FILE; stop it with: kill \$(cat $PID_FILE)).
The stock docker CLI talks to it too:  docker -H unix://$RUN_DIR/berth.sock version

Berth has its daemon, plugin host, storage drivers (see \`berth info\` for
the one in use), images (pull, push, save/load, import) and containers (run,
exec, logs, stop, live restore across berthd restarts), with berth and with
the docker CLI. Try: berth run -it busybox sh   (Ctrl-P Ctrl-Q detaches).
Networks other than none/host come next.
MSG
