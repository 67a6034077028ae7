#!/usr/bin/env bash
# daemon_config.sh — daemon.json validation and the data-root lock: a typo'd
# key or a wrongly typed value stops berthd at start with a message naming
# the key; a valid file is honoured; a second berthd on a data root that is
# in use refuses to start and leaves the first one serving.
. "$(dirname "$0")/lib.sh"

rejects="$BERTH_TEST_PLUGIN_DIR/rejects"
[ -d "$rejects" ] || fail "test plugins not built: $rejects (build target berth_test_plugins)"

# run_briefly NAME ARGS... — berthd in the foreground with its own roots and
# socket under $T/NAME plus ARGS, killed if it still runs after 10 s. Sets
# RUN_RC (124 = it did not exit) and RUN_ERR (its stderr).
run_briefly() {
    local name=$1
    shift
    mkdir -p "$T/$name"
    IT_LOGS+=("$T/$name/stderr")
    RUN_RC=0
    timeout -k 5 10 "$BERTHD" "${IT_BERTHD_ARGS[@]}" --data-root "$T/$name/data" --exec-root "$T/$name/run" \
        -H "unix://$T/$name/berth.sock" "$@" >"$T/$name/stdout" 2>"$T/$name/stderr" || RUN_RC=$?
    RUN_ERR=$(cat "$T/$name/stderr")
}

# expect_refused WHAT — berthd must have exited by itself, unsuccessfully.
expect_refused() {
    [ "$RUN_RC" -ne 124 ] && [ "$RUN_RC" -ne 137 ] ||
        fail "$1: berthd was still running after 10 s (stderr: $RUN_ERR)"
    assert_ne 0 "$RUN_RC" "$1: exit status"
}

note "unknown key"
printf '{"log-levle":"debug"}\n' >"$T/unknown-key.json"
run_briefly unknown-key --config-file "$T/unknown-key.json"
expect_refused "daemon.json with an unknown key"
assert_contains "$RUN_ERR" "log-levle" "stderr for an unknown key"
assert_contains "$RUN_ERR" "the following directives don't match any configuration option" \
    "stderr for an unknown key"
assert_file_absent "$T/unknown-key/berth.sock" "socket of a daemon that refused its config"

note "wrong type"
printf '{"debug":"yes"}\n' >"$T/wrong-type.json"
run_briefly wrong-type --config-file "$T/wrong-type.json"
expect_refused "daemon.json with \"debug\":\"yes\""
assert_contains "$RUN_ERR" "debug" "stderr for a wrongly typed key"
# A known key with a bad value is a different error from an unknown key.
assert_not_contains "$RUN_ERR" "don't match any configuration option" "stderr for a wrongly typed key"
assert_file_absent "$T/wrong-type/berth.sock" "socket of a daemon that refused its config"

note "valid config"
python3 -c 'import json,sys; json.dump({"debug": True, "plugin-dirs": [sys.argv[1]]}, sys.stdout)' \
    "$rejects" >"$T/valid.json"
start_berthd --config-file "$T/valid.json"
# "debug": true reaches the daemon (Docker reports it as Info.Debug).
api GET /v1.44/info
assert_status 200 "GET /v1.44/info"
assert_eq true "$(json_eval 'd["Debug"]' <<<"$HTTP_BODY")" "Info.Debug with \"debug\": true in daemon.json"
# plugin-dirs was honoured: the test authz plugin from that directory is in.
plugins_json
assert_eq active "$(plugin_by_file libberth-authz-allowall.so.1 state)" \
    "allowall loaded through daemon.json plugin-dirs
$(plugins_table)"

note "second daemon on the same data root"
mkdir -p "$T/second"
IT_LOGS+=("$T/second/stderr")
RUN_RC=0
timeout -k 5 10 "$BERTHD" "${IT_BERTHD_ARGS[@]}" --data-root "$T/data" --exec-root "$T/second/run" \
    -H "unix://$T/second/berth.sock" >"$T/second/stdout" 2>"$T/second/stderr" || RUN_RC=$?
RUN_ERR=$(cat "$T/second/stderr")
expect_refused "second berthd on a data root in use"
assert_contains "$RUN_ERR" "data root" "stderr of the second berthd"
case "$RUN_ERR" in
*"in use"* | *locked*) ;;
*) fail "stderr of the second berthd: expected 'in use' or 'locked', got:
$RUN_ERR" ;;
esac
assert_contains "$RUN_ERR" "$BERTHD_PID" "stderr of the second berthd names the holder's pid"
assert_file_absent "$T/second/berth.sock" "socket of the refused second daemon"

note "first daemon unaffected"
pid_alive "$BERTHD_PID" || fail "the first berthd died when the second one tried to start"
[ -S "$SOCK" ] || fail "the first berthd's socket $SOCK is gone"
api GET /_ping
assert_status 200 "GET /_ping on the first daemon"
assert_eq OK "$HTTP_BODY" "GET /_ping body on the first daemon"
