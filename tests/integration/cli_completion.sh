#!/usr/bin/env bash
# cli_completion.sh — `berth completion bash` sourced into bash and asked for
# candidates the way bash asks (COMP_WORDS, COMP_CWORD), against a private
# berthd holding a container, a network and a volume: commands, subcommands
# and flags come from the CLI's own tree, names from the daemon.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
# Its networks are bridges: berthd runs in a network namespace of its own.
. "$(dirname "$0")/network_lib.sh"

nt_setup
P=cc$$ # name prefix

SCRIPT=$T/berth.bash
"$BERTH" completion bash >"$SCRIPT" || fail "berth completion bash exited $?"
bash -n "$SCRIPT" || fail "the completion script is not valid bash"
# The completion runs `berth` by the name typed; put ours first on PATH.
mkdir -p "$T/bin"
ln -s "$BERTH" "$T/bin/berth"

# candidates WORDS... — what _berth offers when the cursor is on the last
# word, sorted and space-joined.
candidates() {
    PATH="$T/bin:$PATH" BERTH_HOST="${CAND_HOST:-$HOST}" bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        _berth
        for c in "${COMPREPLY[@]}"; do echo "$c"; done | sort | tr "\n" " "' _ "$SCRIPT" "$@"
}

dk_ok run -d --network none --name "$P-web" busybox sleep 300
dk_ok create --network none --name "$P-db" busybox true
dk_ok volume create "$P-vol"
if route_exists GET /v1.43/networks; then
    dk network create "$P-net" >/dev/null 2>&1 || true
fi

assert_eq "container " "$(candidates berth con)" "berth con<TAB>"
assert_eq "start stats stop " "$(candidates berth container st)" "berth container st<TAB>"
assert_contains "$(candidates berth run --net)" "--network " "berth run --net<TAB>"
assert_contains "$(candidates berth run --net)" "--net-alias" "berth run --net<TAB>"
assert_eq "$P-db $P-web " "$(candidates berth rm "$P-")" "berth rm $P-<TAB>"
assert_eq "$P-db $P-web " "$(candidates berth container start "$P")" "berth container start $P<TAB>"
assert_eq "$P-db $P-web " "$(candidates berth rm -f --volumes "$P")" "berth rm -f --volumes $P<TAB>"
assert_eq "$P-web " "$(candidates berth logs --tail 5 "$P-w")" "berth logs --tail 5 $P-w<TAB>"
assert_eq "busybox:latest " "$(candidates berth rmi busy)" "berth rmi busy<TAB>"
assert_eq "$P-vol " "$(candidates berth volume inspect "$P")" "berth volume inspect $P<TAB>"
if dk network inspect "$P-net" >/dev/null 2>&1; then
    assert_eq "$P-net " "$(candidates berth run --network "$P")" "berth run --network $P<TAB>"
    dk network rm "$P-net" >/dev/null 2>&1 || true
fi
# -H on the command line wins over $BERTH_HOST.
assert_eq "$P-web " "$(CAND_HOST=unix:///nonexistent.sock candidates berth -H "$HOST" stop "$P-w")" \
    "berth -H HOST stop $P-w<TAB>"
dk_ok volume rm "$P-vol"
echo "PASS: $it_name"
