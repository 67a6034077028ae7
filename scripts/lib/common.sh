# shellcheck shell=bash
# scripts/lib/common.sh — helpers shared by scripts/quickstart.sh and
# scripts/test.sh: logging, phase timing, and configure + build of one
# CMake build directory. Source it; it defines functions and BERTH_ROOT only.

# The repository root, found from this file's own location (scripts/lib/).
BERTH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

log() { printf '==> %s\n' "$*"; }
warn() { printf '==> warning: %s\n' "$*" >&2; }
die() {
  printf '==> error: %s\n' "$*" >&2
  exit 1
}

# Wall-clock microseconds (EPOCHREALTIME may use the locale's decimal comma).
berth_now_us() { printf '%s' "${EPOCHREALTIME//[.,]/}"; }

# berth_phase_begin NAME / berth_phase_end: print how long each phase took,
# and remember it for berth_phase_report.
BERTH_PHASES=()
berth_phase_begin() {
  BERTH_PHASE_NAME=$1
  BERTH_PHASE_START=$(berth_now_us)
  log "[$BERTH_PHASE_NAME] start"
}
# shellcheck disable=SC2120 # the status argument is optional
berth_phase_end() {
  local status=${1:-ok} elapsed
  elapsed=$((($(berth_now_us) - BERTH_PHASE_START) / 100000))
  elapsed="$((elapsed / 10)).$((elapsed % 10))s"
  BERTH_PHASES+=("$(printf '%-28s %8s  %s' "$BERTH_PHASE_NAME" "$elapsed" "$status")")
  log "[$BERTH_PHASE_NAME] $status in $elapsed"
}
berth_phase_report() {
  local line
  log "timings:"
  for line in "${BERTH_PHASES[@]}"; do printf '    %s\n' "$line"; done
}

# ccache: a cache of Berth's own (not ~/.ccache shared with everything else),
# unless CCACHE_DIR is already set. BASEDIR + NOHASHDIR let a fresh clone in
# another directory (CI) hit the objects an earlier clone compiled.
berth_setup_ccache() {
  if [[ -z ${CCACHE_DIR:-} ]]; then
    if [[ -n ${XDG_CACHE_HOME:-} ]]; then
      CCACHE_DIR=$XDG_CACHE_HOME/berth/ccache
    elif [[ -n ${HOME:-} ]]; then
      CCACHE_DIR=$HOME/.cache/berth/ccache
    else
      CCACHE_DIR=$BERTH_ROOT/.cache/ccache
    fi
  fi
  export CCACHE_DIR
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BERTH_ROOT}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
  mkdir -p "$CCACHE_DIR"
}

# berth_configure_build DIR [extra cmake -D args...]
# With BERTH_BUILD_TARGET set, builds only that target (default: everything).
# Configures DIR (relative to the repo root) with Ninja and builds it. Re-runs
# reuse the directory; one configured with another generator or from another
# source tree is wiped first, since CMake refuses to switch either in place.
# Returns non-zero (does not exit) when configure or build fails.
berth_configure_build() {
  local dir=$1
  shift
  local cache=$BERTH_ROOT/$dir/CMakeCache.txt
  if [[ -f $cache ]]; then
    local gen home
    gen=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$cache")
    home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")
    if [[ $gen != Ninja || $home != "$BERTH_ROOT" ]]; then
      warn "$dir was configured differently (generator '$gen', source '$home'); starting it afresh"
      rm -rf "${BERTH_ROOT:?}/$dir"
    fi
  fi
  local -a jobs=()
  [[ -n ${BERTH_JOBS:-} ]] && jobs=(-j "$BERTH_JOBS")
  [[ -n ${BERTH_BUILD_TARGET:-} ]] && jobs+=(--target "$BERTH_BUILD_TARGET")
  cmake -S "$BERTH_ROOT" -B "$BERTH_ROOT/$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    "$@" &&
    cmake --build "$BERTH_ROOT/$dir" "${jobs[@]}"
}
