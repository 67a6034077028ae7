#!/usr/bin/env bash
# build_multistage.sh — a Dockerfile with named stages: COPY --from by stage
# name, by stage index and from an image; the final image is smaller than
# the stages it copies from (their --target builds compared by
# `docker image inspect -f {{.Size}}`); --target stops at the named stage,
# so a failing stage after it never runs, while a build of the whole file
# does run it and fails with its exit code. Docker CLI and berth.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/build_lib.sh"

bt_setup

ctx=$(bt_ctx multistage)
bt_file "$ctx/asset.txt" 'asset-content
'
# Stage 0 and 1 carry megabytes the final image leaves behind; stage 3
# (broken) comes after the final one so --target final never reaches it.
bt_file "$ctx/Dockerfile" 'FROM busybox AS tools
RUN mkdir -p /out && dd if=/dev/zero of=/out/big.bin bs=1024 count=4096 2>/dev/null && echo tool-output > /out/result.txt

FROM busybox AS assets
COPY asset.txt /assets/asset.txt
RUN dd if=/dev/urandom of=/assets/noise.bin bs=1024 count=1024 2>/dev/null

FROM busybox AS final
COPY --from=tools /out/result.txt /result.txt
COPY --from=1 /assets/asset.txt /asset.txt
COPY --from=busybox /etc/passwd /copied-passwd
CMD ["cat", "/result.txt", "/asset.txt"]

FROM busybox AS broken
RUN echo "the broken stage ran" && exit 42
'

size_of() { inspect '{{.Size}}' "$1"; }

multistage() { # TOOL
    local tool=$1 out
    bt_build_ok "$tool" --target final -t "ms-$tool:final" "$ctx"
    assert_not_contains "$OUT" "the broken stage ran" "$tool: --target final ran the stage after it"
    assert_not_contains "$OUT" "RUN echo \"the broken stage ran\"" "$tool: --target final dispatched the stage after it"
    out=$(docker run --rm "ms-$tool:final") || fail "$tool: running the final image failed: $out"
    assert_eq "tool-output
asset-content" "$out" "$tool: files copied from stages by name and by index"
    out=$(docker run --rm "ms-$tool:final" sh -c 'test ! -e /out/big.bin && test ! -e /assets/noise.bin && head -n1 /copied-passwd') ||
        fail "$tool: the final image holds what only the earlier stages should: $out"
    assert_eq "root:x:0:0:root:/root:/bin/sh" "$out" "$tool: COPY --from an image"

    bt_build_ok "$tool" --target tools -t "ms-$tool:tools" "$ctx"
    assert_not_contains "$OUT" "COPY asset.txt" "$tool: --target tools dispatched a later stage"
    bt_build_ok "$tool" --target assets -t "ms-$tool:assets" "$ctx"

    local final tools assets
    final=$(size_of "ms-$tool:final")
    tools=$(size_of "ms-$tool:tools")
    assets=$(size_of "ms-$tool:assets")
    note "$tool sizes: final $final, tools $tools, assets $assets"
    [ "$final" -lt "$tools" ] || fail "$tool: final image ($final B) not smaller than the tools stage ($tools B)"
    [ "$final" -lt "$assets" ] || fail "$tool: final image ($final B) not smaller than the assets stage ($assets B)"
    # The tools stage holds its 4 MiB file; the final one just a few bytes more than busybox.
    [ $((tools - final)) -gt 4000000 ] || fail "$tool: tools stage only $((tools - final)) B larger than the final image"

    # The whole file: the last stage is the broken one, and it runs.
    bt_build "$tool" -t "ms-$tool:all" "$ctx"
    assert_eq 42 "$RC" "$tool: exit status of a build whose last stage fails (output: $OUT)"
    assert_contains "$OUT" "the broken stage ran" "$tool: the last stage ran without --target"
    assert_contains "$OUT" "returned a non-zero code: 42" "$tool: failure message"
    dk image inspect "ms-$tool:all"
    assert_ne 0 "$RC" "$tool: a failed build tagged ms-$tool:all"

    bt_build "$tool" --target nosuchstage "$ctx"
    assert_ne 0 "$RC" "$tool: --target of a stage that does not exist"
    assert_contains "$OUT" "nosuchstage" "$tool: the missing target is named"
    docker ps -aq | xargs -r docker rm -f >/dev/null
}

ms_docker() { multistage docker; }
ms_berth() { multistage berth; }
section multistage-docker ms_docker
section multistage-berth ms_berth

sections_done
