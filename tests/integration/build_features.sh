#!/usr/bin/env bash
# build_features.sh — the rest of the issue's list, each with the docker CLI
# or berth (both where the CLI does the work): .dockerignore (ignored file
# absent, exception kept), --build-arg (set, taken from the environment,
# defaulted), ARG before FROM, ENV expansion in COPY and WORKDIR, ADD of a
# local .tar.gz extracted, COPY --chown, an ONBUILD trigger running in a
# child build, -f with a Dockerfile outside the context, a tar and a bare
# Dockerfile on stdin, -q printing the ID, several -t, --label, --iidfile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/build_lib.sh"

bt_setup

run_in() { # IMAGE SHELL-SCRIPT
    docker run --rm --entrypoint /bin/sh "$1" -c "$2" || fail "running '$2' in $1 failed"
}

dockerignore() {
    local tool ctx out
    ctx=$(bt_ctx ignore)
    bt_file "$ctx/Dockerfile" 'FROM busybox
COPY . /ctx/
'
    bt_file "$ctx/keep/a.txt" 'a'
    bt_file "$ctx/secret.txt" 'do not send'
    bt_file "$ctx/logs/debug.log" 'noise'
    bt_file "$ctx/logs/keep.log" 'kept'
    bt_file "$ctx/deep/x/y.tmp" 'tmp'
    bt_file "$ctx/.dockerignore" '# comment
secret.txt
logs
!logs/keep.log
**/*.tmp
'
    for tool in docker berth; do
        bt_build_ok "$tool" -t "ignore-$tool" "$ctx"
        out=$(run_in "ignore-$tool" 'cd /ctx && find . -type f | sort')
        assert_eq "./.dockerignore
./Dockerfile
./keep/a.txt
./logs/keep.log" "$out" "$tool: files that reached the image through COPY ."
    done
}

build_args() {
    local tool ctx out
    docker tag busybox:latest mybase:1 >/dev/null || fail "docker tag"
    ctx=$(bt_ctx args)
    bt_file "$ctx/data.txt" 'data'
    bt_file "$ctx/Dockerfile" 'ARG BASE=busybox
FROM ${BASE}
ARG GREETING=hi
ARG FROM_ENV
ARG UNSET_ARG=default-kept
ENV DEST=/opt/app SUB=work
WORKDIR ${DEST}/${SUB}
COPY data.txt ${DEST}/
RUN echo "$GREETING|$FROM_ENV|$UNSET_ARG|$(pwd)" > /result.txt
'
    for tool in docker berth; do
        export FROM_ENV="env-$tool"
        bt_build_ok "$tool" --no-cache -t "args-$tool" --build-arg BASE=mybase:1 \
            --build-arg GREETING=hello --build-arg FROM_ENV "$ctx"
        unset FROM_ENV
        assert_eq "hello|env-$tool|default-kept|/opt/app/work" "$(run_in "args-$tool" 'cat /result.txt')" \
            "$tool: build args, the environment's value and a default"
        assert_eq "data" "$(run_in "args-$tool" 'cat /opt/app/data.txt')" "$tool: COPY to \${DEST}/"
        assert_eq /opt/app/work "$(inspect '{{.Config.WorkingDir}}' "args-$tool")" "$tool: WORKDIR \${DEST}/\${SUB}"
    done
    # An undeclared build arg is reported, not fatal (docker's warning).
    bt_build_ok berth --build-arg NOT_DECLARED=1 "$ctx"
    assert_contains "$OUT" "NOT_DECLARED" "berth: the unused build arg is named"
}

add_and_chown() {
    local tool ctx out
    ctx=$(bt_ctx add)
    mkdir -p "$T/bundle/pkg"
    echo packed >"$T/bundle/pkg/file.txt"
    tar -C "$T/bundle" -czf "$ctx/bundle.tar.gz" pkg
    bt_file "$ctx/owned.txt" 'mine'
    bt_file "$ctx/Dockerfile" 'FROM busybox
ADD bundle.tar.gz /unpacked/
COPY --chown=1000:1001 owned.txt /owned-num.txt
COPY --chown=daemon:daemon owned.txt /owned-name.txt
'
    for tool in docker berth; do
        bt_build_ok "$tool" -t "add-$tool" "$ctx"
        out=$(run_in "add-$tool" 'cat /unpacked/pkg/file.txt; stat -c %u:%g /owned-num.txt /owned-name.txt; test ! -e /unpacked/bundle.tar.gz && echo extracted')
        assert_eq "packed
1000:1001
1:1
extracted" "$out" "$tool: ADD of a .tar.gz and COPY --chown"
    done
}

onbuild() {
    local tool parent child out
    parent=$(bt_ctx onbuild-parent)
    bt_file "$parent/Dockerfile" 'FROM busybox
ONBUILD RUN echo triggered > /onbuild.txt
ONBUILD COPY child.txt /child.txt
'
    child=$(bt_ctx onbuild-child)
    bt_file "$child/child.txt" 'from the child context'
    bt_file "$child/Dockerfile" 'FROM onbuild-parent
RUN cat /onbuild.txt /child.txt > /both.txt
'
    for tool in docker berth; do
        bt_build_ok "$tool" --no-cache -t onbuild-parent "$parent"
        assert_eq "RUN echo triggered > /onbuild.txt" "$(inspect '{{index .Config.OnBuild 0}}' onbuild-parent)" \
            "$tool: ONBUILD recorded in the parent"
        bt_build_ok "$tool" --no-cache -t "onbuild-child-$tool" "$child"
        assert_eq "triggered
from the child context" "$(run_in "onbuild-child-$tool" 'cat /both.txt')" "$tool: ONBUILD triggers ran in the child build"
        assert_match "$(inspect '{{json .Config.OnBuild}}' "onbuild-child-$tool")" '^(null|\[\])$' \
            "$tool: triggers are not inherited by the child image"
    done
}

file_elsewhere() {
    local tool ctx out
    ctx=$(bt_ctx elsewhere)
    bt_file "$ctx/payload.txt" 'payload'
    bt_file "$ctx/Dockerfile" 'FROM busybox
LABEL which=in-context
'
    bt_file "$T/dockerfiles/External.Dockerfile" 'FROM busybox
LABEL which=external
COPY . /ctx/
'
    bt_file "$ctx/sub/Inner.Dockerfile" 'FROM busybox
LABEL which=inner
'
    for tool in docker berth; do
        bt_build_ok "$tool" -f "$T/dockerfiles/External.Dockerfile" -t "ext-$tool" "$ctx"
        assert_eq external "$(inspect '{{.Config.Labels.which}}' "ext-$tool")" "$tool: -f outside the context"
        out=$(run_in "ext-$tool" 'ls -A /ctx | tr "\n" " "')
        assert_eq "Dockerfile payload.txt sub " "$out" "$tool: context files sent with an outside Dockerfile"
        # -f is relative to the working directory, not to the context.
        out=$(cd "$ctx" && bt_build_ok "$tool" -f sub/Inner.Dockerfile -t "inner-$tool" . && echo ok)
        assert_eq ok "$(tail -n 1 <<<"$out")" "$tool: -f relative to the working directory"
        assert_eq inner "$(inspect '{{.Config.Labels.which}}' "inner-$tool")" "$tool: -f sub/Inner.Dockerfile"
    done
    # The Dockerfile on stdin with a directory context.
    bt_build_stdin "$T/dockerfiles/External.Dockerfile" berth -f - -t ext-stdin "$ctx"
    [ "$RC" -eq 0 ] || fail "berth -f - exited $RC: $OUT"
    assert_eq external "$(inspect '{{.Config.Labels.which}}' ext-stdin)" "berth: -f - with a directory context"
}

stdin_contexts() {
    local tool ctx
    ctx=$(bt_ctx stdin)
    bt_file "$ctx/msg.txt" 'from a tar on stdin'
    bt_file "$ctx/build/Dockerfile" 'FROM busybox
COPY msg.txt /msg.txt
CMD ["cat", "/msg.txt"]
'
    tar -C "$ctx" -cf "$T/context.tar" .
    bt_file "$T/bare.Dockerfile" 'FROM busybox
LABEL from=stdin
CMD ["echo", "bare dockerfile"]
'
    for tool in docker berth; do
        bt_build_stdin "$T/context.tar" "$tool" -f build/Dockerfile -t "tar-$tool" -
        [ "$RC" -eq 0 ] || fail "$tool: build from a tar on stdin exited $RC: $OUT"
        assert_eq "from a tar on stdin" "$(docker run --rm "tar-$tool")" "$tool: image built from a tar on stdin"

        bt_build_stdin "$T/bare.Dockerfile" "$tool" -t "bare-$tool" -
        [ "$RC" -eq 0 ] || fail "$tool: build from a Dockerfile on stdin exited $RC: $OUT"
        assert_eq "bare dockerfile" "$(docker run --rm "bare-$tool")" "$tool: image built from a Dockerfile on stdin"
    done
    gzip -c "$T/context.tar" >"$T/context.tar.gz"
    bt_build_stdin "$T/context.tar.gz" berth -f build/Dockerfile -t tar-gz -
    [ "$RC" -eq 0 ] || fail "berth: build from a .tar.gz on stdin exited $RC: $OUT"
    assert_eq "from a tar on stdin" "$(docker run --rm tar-gz)" "berth: image built from a gzipped tar on stdin"
}

quiet_tags_labels() {
    local tool ctx id out
    ctx=$(bt_ctx quiet)
    bt_file "$ctx/Dockerfile" 'FROM busybox
RUN echo quiet > /q.txt
'
    for tool in docker berth; do
        bt_build "$tool" -q --no-cache -t "quiet-$tool" -t "multi-$tool:one" -t "registry.example:5000/multi-$tool:two" \
            --label com.example.extra=yes --label com.example.empty "$ctx"
        [ "$RC" -eq 0 ] || fail "$tool -q exited $RC: $OUT"
        id=$(inspect '{{.Id}}' "quiet-$tool")
        assert_eq "$id" "$STD_OUT" "$tool -q: the only output is the image ID"
        assert_eq "$id" "$(inspect '{{.Id}}' "multi-$tool:one")" "$tool: second -t"
        assert_eq "$id" "$(inspect '{{.Id}}' "registry.example:5000/multi-$tool:two")" "$tool: third -t"
        assert_eq yes "$(inspect '{{index .Config.Labels "com.example.extra"}}' "quiet-$tool")" "$tool: --label k=v"
        assert_eq '""' "$(inspect '{{json (index .Config.Labels "com.example.empty")}}' "quiet-$tool")" \
            "$tool: --label k"
    done
    bt_build_ok berth --iidfile "$T/iid" -t iid "$ctx"
    assert_eq "$(inspect '{{.Id}}' iid)" "$(cat "$T/iid")" "berth --iidfile"
    bt_build berth -t 'Bad:Tag' "$ctx"
    assert_eq 125 "$RC" "berth: exit status for an invalid -t"
    assert_contains "$OUT" "invalid reference format" "berth: invalid -t message"
}

section dockerignore dockerignore
section build-args build_args
section add-and-chown add_and_chown
section onbuild onbuild
section file-elsewhere file_elsewhere
section stdin-contexts stdin_contexts
section quiet-tags-labels quiet_tags_labels

sections_done
