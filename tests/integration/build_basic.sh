#!/usr/bin/env bash
# build_basic.sh — a single-stage Dockerfile with LABEL, ARG, RUN, COPY,
# WORKDIR, EXPOSE, ENTRYPOINT and CMD, built with the stock docker CLI
# (legacy builder) and with `berth build` against berthd: the build output,
# the image running with the expected output, what inspect reports, the
# history (one entry per instruction, "#(nop)" created_by for metadata
# steps as Docker writes them) and one layer per RUN/COPY.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/build_lib.sh"

bt_setup

BASE_LAYERS=$(inspect '{{len .RootFS.Layers}}' busybox)
BASE_HISTORY=$(docker history -q busybox | wc -l)

ctx=$(bt_ctx basic)
bt_file "$ctx/Dockerfile" 'FROM busybox
LABEL com.example.app=basic com.example.tier=test
ARG NAME=world
RUN mkdir -p /app/data && echo "built for $NAME" > /app/data/built.txt
COPY hello.sh /app/
WORKDIR /app
EXPOSE 8080/tcp 9090/udp
ENTRYPOINT ["/bin/sh", "/app/hello.sh"]
CMD ["default-arg"]
'
bt_file "$ctx/hello.sh" 'echo "hello $1 from $(pwd)"
cat data/built.txt
'

check_image() { # TOOL IMAGE
    local tool=$1 img=$2 out
    out=$(docker run --rm "$img") || fail "$tool: docker run $img failed: $out"
    assert_eq "hello default-arg from /app
built for world" "$out" "$tool: output of the built image"
    out=$(docker run --rm "$img" other) || fail "$tool: docker run $img other failed"
    assert_contains "$out" "hello other from /app" "$tool: CMD replaced by run arguments"

    assert_eq basic "$(inspect '{{index .Config.Labels "com.example.app"}}' "$img")" "$tool: label app"
    assert_eq test "$(inspect '{{index .Config.Labels "com.example.tier"}}' "$img")" "$tool: label tier"
    assert_eq '{"8080/tcp":{},"9090/udp":{}}' "$(inspect '{{json .Config.ExposedPorts}}' "$img")" "$tool: exposed ports"
    assert_eq '["/bin/sh","/app/hello.sh"]' "$(inspect '{{json .Config.Entrypoint}}' "$img")" "$tool: entrypoint"
    assert_eq '["default-arg"]' "$(inspect '{{json .Config.Cmd}}' "$img")" "$tool: cmd"
    assert_eq /app "$(inspect '{{.Config.WorkingDir}}' "$img")" "$tool: workdir"

    # RUN and COPY change the filesystem; the other seven steps only the config.
    assert_eq $((BASE_LAYERS + 2)) "$(inspect '{{len .RootFS.Layers}}' "$img")" "$tool: RootFS.Layers"
    local history
    history=$(docker history --no-trunc --format '{{.CreatedBy}}' "$img") || fail "$tool: docker history failed"
    # Eight entries of ours on top of the base image's. (berthd's history of
    # an imported image shows one entry its config does not record, so the
    # base may add none.)
    local entries
    entries=$(wc -l <<<"$history")
    [ "$entries" -eq $((BASE_HISTORY + 8)) ] || [ "$entries" -eq 8 ] ||
        fail "$tool: $entries history entries, expected 8 (one per instruction after FROM) plus the base's $BASE_HISTORY:
$history"
    # Newest first, as docker history lists them.
    local mine
    mine=$(head -n 8 <<<"$history")
    assert_eq '/bin/sh -c #(nop)  CMD ["default-arg"]' "$(sed -n 1p <<<"$mine")" "$tool: CMD created_by"
    assert_eq '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "/app/hello.sh"]' "$(sed -n 2p <<<"$mine")" \
        "$tool: ENTRYPOINT created_by"
    assert_eq '/bin/sh -c #(nop)  EXPOSE 8080/tcp 9090/udp' "$(sed -n 3p <<<"$mine")" "$tool: EXPOSE created_by"
    assert_eq '/bin/sh -c #(nop) WORKDIR /app' "$(sed -n 4p <<<"$mine")" "$tool: WORKDIR created_by"
    assert_match "$(sed -n 5p <<<"$mine")" '^/bin/sh -c #\(nop\) COPY file:[0-9a-f]{64} in /app/ ?$' "$tool: COPY created_by"
    assert_match "$(sed -n 6p <<<"$mine")" '^(\|1 NAME=world )?/bin/sh -c mkdir -p /app/data' "$tool: RUN created_by"
    assert_eq '/bin/sh -c #(nop)  ARG NAME=world' "$(sed -n 7p <<<"$mine")" "$tool: ARG created_by"
    assert_eq '/bin/sh -c #(nop)  LABEL com.example.app=basic com.example.tier=test' "$(sed -n 8p <<<"$mine")" \
        "$tool: LABEL created_by"
    # Metadata steps add no layer: docker history shows them as 0B.
    local sizes
    sizes=$(docker history --format '{{.Size}}' "$img" | head -n 8 | tr '\n' ' ')
    assert_match "$sizes" '^0B 0B 0B 0B [0-9.]+k?B [0-9.]+k?B 0B 0B $' "$tool: history sizes"
}


build_one() { # TOOL [BUILD-FLAGS...]
    local tool=$1
    shift
    bt_build_ok "$tool" "$@" -t "basic-$tool:v1" "$ctx"
    assert_eq 9 "$(bt_steps)" "$tool: steps printed:
$OUT"
    assert_contains "$OUT" "Step 1/9 : FROM busybox" "$tool: first step"
    assert_contains "$OUT" "Step 4/9 : RUN mkdir -p /app/data" "$tool: RUN step"
    assert_match "$OUT" '^ ---> Running in [0-9a-f]{12}$' "$tool: RUN container"
    assert_match "$OUT" '^Successfully built [0-9a-f]{12}$' "$tool: built line"
    assert_contains "$OUT" "Successfully tagged basic-$tool:v1" "$tool: tagged line"
    [ "$tool" != berth ] || assert_match "$OUT" '^Sending build context to Docker daemon +[0-9.]+k?B' \
        "berth: context upload line"
    local id
    id=$(bt_built_id)
    assert_eq "$id" "$(inspect '{{.Id}}' "basic-$tool:v1" | cut -c8-19)" "$tool: built ID is the tagged image"
    check_image "$tool" "basic-$tool:v1"
    # --rm (the default): no intermediate container survives a good build.
    bt_no_containers "$tool: after a successful build"
}

build_docker() { build_one docker; }
# The docker build filled the cache; berth must run every step itself.
build_berth() { build_one berth --no-cache; }
section build-docker build_docker
section build-berth build_berth

sections_done
