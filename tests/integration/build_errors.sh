#!/usr/bin/env bash
# build_errors.sh — failing builds: a Dockerfile syntax error names its line;
# a failing RUN stops the build, the docker CLI and berth exit with the
# command's status (errorDetail.code), nothing is tagged and no container is
# left behind; a missing Dockerfile, a COPY of a missing file and an unknown
# base image fail with a message. Docker CLI and berth.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/build_lib.sh"

bt_setup

syntax_error() {
    local tool ctx
    ctx=$(bt_ctx syntax)
    bt_file "$ctx/Dockerfile" 'FROM busybox
RUN true
NOSUCHINSTRUCTION bar
RUN true
'
    for tool in docker berth; do
        bt_build "$tool" -t syntax-bad "$ctx"
        assert_eq 1 "$RC" "$tool: exit status for a syntax error (output: $OUT)"
        assert_contains "$OUT" "line 3" "$tool: the syntax error names its line"
        assert_icontains "$OUT" "unknown instruction: NOSUCHINSTRUCTION" "$tool: the syntax error names the instruction"
    done
    bt_file "$ctx/Dockerfile" 'FROM busybox
ENV
'
    bt_build berth "$ctx"
    assert_eq 1 "$RC" "berth: exit status for ENV without arguments (output: $OUT)"
    assert_contains "$OUT" "line 2" "berth: ENV without arguments names its line"
    dk image inspect syntax-bad
    assert_ne 0 "$RC" "a Dockerfile with a syntax error was tagged"
}

failing_run() {
    local tool ctx
    ctx=$(bt_ctx failing)
    bt_file "$ctx/Dockerfile" 'FROM busybox
RUN echo before-the-failure
RUN exit 3
RUN echo after-the-failure
'
    for tool in docker berth; do
        bt_build "$tool" -t "failing-$tool" "$ctx"
        assert_eq 3 "$RC" "$tool: exit status of a build whose RUN exits 3 (output: $OUT)"
        assert_contains "$OUT" "The command '/bin/sh -c exit 3' returned a non-zero code: 3" "$tool: failure message"
        assert_contains "$OUT" "Step 3/4 : RUN exit 3" "$tool: the failing step is shown"
        assert_not_contains "$OUT" "Step 4/4" "$tool: the build went on after the failure"
        assert_not_contains "$OUT" "Successfully built" "$tool: a failed build claims success"
        dk image inspect "failing-$tool"
        assert_ne 0 "$RC" "$tool: a failed build tagged failing-$tool"
        bt_no_containers "$tool: after a failed RUN"
    done
    # -q: nothing on stdout, the held-back output and the error on stderr.
    local qout
    qout=$("$BERTH" -H "$HOST" build -q "$ctx" 2>"$T/q.err") && fail "berth build -q of a failing RUN succeeded"
    assert_eq "" "$qout" "berth -q: stdout of a failed build"
    assert_contains "$(cat "$T/q.err")" "returned a non-zero code: 3" "berth -q: the error on stderr"
    # --force-rm as well as the default: nothing left either way.
    bt_build berth --force-rm "$ctx"
    assert_eq 3 "$RC" "berth --force-rm: exit status"
    bt_no_containers "berth --force-rm: after a failed RUN"
}

other_failures() {
    local ctx
    ctx=$(bt_ctx other)
    bt_file "$ctx/Dockerfile" 'FROM busybox
COPY missing.txt /
'
    for tool in docker berth; do
        bt_build "$tool" "$ctx"
        assert_ne 0 "$RC" "$tool: COPY of a missing file succeeded"
        assert_contains "$OUT" "missing.txt" "$tool: the missing file is named"
    done

    # A registry on a closed local port: the pull fails at once, offline too.
    bt_file "$ctx/Dockerfile" 'FROM 127.0.0.1:9/no-such-image-here:1
RUN true
'
    bt_build berth "$ctx"
    assert_ne 0 "$RC" "berth: FROM an image that does not exist succeeded"
    assert_contains "$OUT" "no-such-image-here" "berth: the missing base image is named"

    local empty
    empty=$(bt_ctx empty)
    bt_build berth "$empty"
    assert_eq 1 "$RC" "berth: a context without a Dockerfile"
    assert_contains "$OUT" "unable to prepare context" "berth: missing Dockerfile message"
    bt_build docker "$empty"
    assert_ne 0 "$RC" "docker: a context without a Dockerfile"

    bt_build berth "$T/ctx/does-not-exist"
    assert_eq 1 "$RC" "berth: a context that does not exist"
    assert_contains "$OUT" 'path "'"$T"'/ctx/does-not-exist" not found' "berth: missing context message"
    bt_no_containers "after the failed builds"
}

section syntax-error syntax_error
section failing-run failing_run
section other-failures other_failures

sections_done
