#!/usr/bin/env bash
# build_cache.sh — the build cache: a second build of the same context is
# fully cached ("Using cache" for every step after FROM, the same image ID)
# and at least 10x faster than the first, which sleeps 3 s in a RUN (the
# issue's acceptance criterion, measured by wall clock); changing one copied
# file invalidates from its COPY on and only from there; a changed build
# arg invalidates the RUN that uses it; --no-cache uses none. Berth and the
# docker CLI share the daemon's cache.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/build_lib.sh"

bt_setup

ctx=$(bt_ctx cache)
bt_file "$ctx/Dockerfile" 'FROM busybox
RUN sleep 3 && echo slow > /slow.txt
COPY a.txt /a.txt
RUN cat /a.txt > /a-copy.txt
COPY b.txt /b.txt
ARG FLAVOUR=plain
RUN echo "$FLAVOUR" > /flavour.txt
CMD ["cat", "/a-copy.txt", "/b.txt", "/flavour.txt"]
'
bt_file "$ctx/a.txt" 'a1
'
bt_file "$ctx/b.txt" 'b1
'

ALL_CACHED="2 3 4 5 6 7 8"

first_and_second() { # TOOL
    local tool=$1 first_ms first_id
    bt_build_ok "$tool" -t "cache-$tool" "$ctx"
    assert_eq "" "$(bt_cached_steps)" "$tool: first build used the cache:
$OUT"
    first_ms=$BUILD_MS
    first_id=$(inspect '{{.Id}}' "cache-$tool")
    [ "$first_ms" -ge 3000 ] || fail "$tool: the first build took ${first_ms} ms, less than its RUN sleep 3"

    bt_build_ok "$tool" -t "cache-$tool" "$ctx"
    assert_eq "$ALL_CACHED" "$(bt_cached_steps)" "$tool: second build, steps that used the cache:
$OUT"
    assert_eq "$first_id" "$(inspect '{{.Id}}' "cache-$tool")" "$tool: a cached build gives the same image"
    note "$tool: first build ${first_ms} ms, cached build ${BUILD_MS} ms"
    [ $((BUILD_MS * 10)) -le "$first_ms" ] ||
        fail "$tool: the cached build (${BUILD_MS} ms) is not 10x faster than the first (${first_ms} ms)"
    assert_eq "a1
b1
plain" "$(docker run --rm "cache-$tool")" "$tool: output of the cached image"
}

# The daemon's cache is shared: a fresh docker CLI build after berth's is
# cached too. Each tool gets a clean slate first.
cache_berth() {
    first_and_second berth
}

cache_docker() {
    # berth's builds filled the cache for this context; --no-cache starts over.
    bt_build_ok docker --no-cache -t cache-docker "$ctx"
    assert_eq "" "$(bt_cached_steps)" "docker: --no-cache used the cache:
$OUT"
    bt_build_ok docker -t cache-docker "$ctx"
    assert_eq "$ALL_CACHED" "$(bt_cached_steps)" "docker: second build, steps that used the cache:
$OUT"
}

invalidate_from_changed_file() {
    local tool
    for tool in berth docker; do
        bt_file "$ctx/b.txt" "b-$tool
"
        bt_build_ok "$tool" -t "cache-$tool" "$ctx"
        # Steps 2-4 come before COPY b.txt; 5 and everything after it rerun.
        assert_eq "2 3 4" "$(bt_cached_steps)" "$tool: after changing b.txt, steps that used the cache:
$OUT"
        assert_eq "a1
b-$tool
plain" "$(docker run --rm "cache-$tool")" "$tool: the changed file is in the image"
    done
    bt_file "$ctx/a.txt" 'a2
'
    bt_build_ok berth -t cache-berth "$ctx"
    assert_eq "2" "$(bt_cached_steps)" "berth: after changing a.txt, steps that used the cache:
$OUT"
    assert_eq "a2
b-docker
plain" "$(docker run --rm cache-berth)" "berth: both changes are in the image"
    # A touch without a change in content keeps the cache (the checksum is of the content).
    touch "$ctx/a.txt"
    bt_build_ok berth -t cache-berth "$ctx"
    assert_eq "$ALL_CACHED" "$(bt_cached_steps)" "berth: after touching a.txt, steps that used the cache:
$OUT"
}

invalidate_from_build_arg() {
    bt_build_ok berth --build-arg FLAVOUR=spicy -t cache-arg "$ctx"
    # The ARG line itself is cached; the RUN that sees the value is not.
    assert_eq "2 3 4 5 6" "$(bt_cached_steps)" "berth: with a new build arg, steps that used the cache:
$OUT"
    assert_contains "$(docker run --rm cache-arg)" "spicy" "berth: the build arg reached the RUN"
    bt_build_ok docker --build-arg FLAVOUR=spicy -t cache-arg "$ctx"
    assert_eq "$ALL_CACHED" "$(bt_cached_steps)" "docker: same build arg again, steps that used the cache:
$OUT"
}

section cache-berth cache_berth
section cache-docker cache_docker
section changed-file invalidate_from_changed_file
section build-arg invalidate_from_build_arg

sections_done
