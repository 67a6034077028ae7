# shellcheck shell=bash
# build_lib.sh — helpers for the build tests (build_*.sh), sourced after
# lib.sh, image_lib.sh and container_lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/image_lib.sh"
#   . "$(dirname "$0")/container_lib.sh"; . "$(dirname "$0")/build_lib.sh"
#
#   bt_setup                     ct_setup (berthd, docker CLI, busybox), then
#                                skip (77) unless berthd serves POST /build
#   bt_ctx NAME                  a fresh, empty context directory; prints it
#   bt_file PATH TEXT            write TEXT (printf %s) to PATH, creating dirs
#   bt_build TOOL ARGS...        `docker build` (DOCKER_BUILDKIT=0) or
#                                `berth build`, TOOL docker|berth; sets OUT
#                                (stdout+stderr), STD_OUT and ERR_OUT (each
#                                alone), RC and BUILD_MS (wall clock)
#   bt_build_ok TOOL ARGS...     bt_build, and fail unless it exited 0
#   bt_cached_steps              the step numbers of the last build's output
#                                that said "Using cache", space separated
#   bt_steps                     how many "Step N/M" lines it printed
#   bt_no_containers WHAT        fail if `docker ps -a` lists anything
#
# Both tools run against the same daemon: the docker CLI with the legacy
# builder (no buildx here, and DOCKER_BUILDKIT=0 makes sure), and berth.

bt_setup() {
    ct_setup
    need_route POST /v1.43/build "builds"
    export DOCKER_BUILDKIT=0
}

bt_ctx() {
    local dir=$T/ctx/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '%s' "$dir"
}

bt_file() {
    mkdir -p "$(dirname "$1")"
    printf '%s' "$2" >"$1"
}

_bt_now_ms() { echo $(($(date +%s%N) / 1000000)); }

bt_build() {
    local tool=$1 start
    shift
    RC=0
    start=$(_bt_now_ms)
    case $tool in
    docker) OUT=$(DOCKER_BUILDKIT=0 docker build "$@" 2>"$T/build.err") || RC=$? ;;
    berth) OUT=$("$BERTH" -H "$HOST" build "$@" 2>"$T/build.err") || RC=$? ;;
    *) fail "bt_build: unknown tool $tool" ;;
    esac
    BUILD_MS=$(($(_bt_now_ms) - start))
    ERR_OUT=$(cat "$T/build.err")
    STD_OUT=$OUT
    # Both streams for messages and searches; stdout stays first.
    [ -z "$ERR_OUT" ] || OUT="$OUT
$ERR_OUT"
}

# bt_build with stdin from a file (builds from a tar or a Dockerfile on stdin).
bt_build_stdin() {
    local input=$1
    shift
    bt_build "$@" <"$input"
}

bt_build_ok() {
    bt_build "$@"
    [ "$RC" -eq 0 ] || fail "'$1 build ${*:2}' exited $RC:
$OUT"
}

bt_cached_steps() {
    awk '
        /^Step [0-9]+\/[0-9]+ : / { split($2, n, "/"); step = n[1] }
        / ---> Using cache/ { if (step != "") printf "%s%s", sep, step; sep = " " }
    ' <<<"$OUT"
}

bt_steps() {
    grep -c '^Step [0-9]*/[0-9]* : ' <<<"$OUT" || true
}

bt_no_containers() {
    local left
    left=$(docker ps -aq)
    [ -z "$left" ] || fail "$1: containers left behind:
$(docker ps -a)"
}

# The image ID a build reported ("Successfully built <12 hex>"), or "".
bt_built_id() {
    sed -n 's/^Successfully built \([0-9a-f]*\).*/\1/p' <<<"$OUT" | tail -n 1
}
