# shellcheck shell=bash
# compat_lib.sh — how the compatibility suite records what it finds. Sourced
# by suite.sh after the integration harness (lib.sh and friends).
#
# Every check names a CLIENT (docker-cli, docker.io, docker-py,
# docker-compose) and a COMMAND row of the pass table ("images: tag"). Its
# outcome goes to $COMPAT_RESULTS, one tab-separated line per check:
#   STATUS  CLIENT  COMMAND  NOTE
# STATUS is PASS, FAIL or SKIP; a SKIP whose note starts with
# "not implemented" becomes "not implemented" in the table. run.sh turns
# the file into the table and the closing "N passed, N failed" line.
#
#   check CLIENT COMMAND WHAT FUNC [ARGS...]
#                        run FUNC in a subshell with errexit; lib.sh's fail
#                        (exit 1) fails it, skip (exit 77) skips it
#   not_implemented CLIENT COMMAND REASON
#                        a SKIP line for what berthd does not serve yet;
#                        nothing is asserted
#   record STATUS CLIENT COMMAND NOTE

: "${COMPAT_RESULTS:?run the suite through tests/compat/run.sh}"

record() { # STATUS CLIENT COMMAND NOTE
    local note=${4//$'\t'/ }
    note=${note//$'\n'/ }
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$note" >>"$COMPAT_RESULTS"
    printf '%-4s [%s] %s: %s\n' "$1" "$2" "$3" "$note"
}

check() { # CLIENT COMMAND WHAT FUNC [ARGS...]
    local client=$1 cmd=$2 what=$3 fn=$4 rc=0 log
    shift 4
    log=$T/check.log
    set +e
    (
        set -e
        "$fn" "$@"
    ) >"$log" 2>&1
    rc=$?
    set -e
    case $rc in
    0) record PASS "$client" "$cmd" "$what" ;;
    77) record SKIP "$client" "$cmd" "$what: $(grep -m1 '^SKIP' "$log" | sed 's/^SKIP:* *//')" ;;
    *)
        record FAIL "$client" "$cmd" "$what"
        # The assertion's own message says what was expected and what came.
        tail -n 25 "$log" | sed 's/^/      /'
        ;;
    esac
}

not_implemented() { # CLIENT COMMAND REASON
    record SKIP "$1" "$2" "not implemented: $3"
}
