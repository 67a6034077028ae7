#!/usr/bin/env bash
# plugin_upgrade_api.sh — hot swap through the daemon: `berth plugin upgrade`
# and POST /berth/plugins/{name}/upgrade replace swaptest on a running berthd,
# a broken upgrade fails and rolls back, /plugins reports every generation.
. "$(dirname "$0")/lib.sh"

swap="$BERTH_TEST_PLUGIN_DIR/swap"
file=libberth-network-swaptest.so.1
for v in v1 v2 bad v2-nohandover; do
    [ -f "$swap/$v/$file" ] || fail "test plugin not built: $swap/$v/$file"
done

# FIELD of swaptest at VERSION in the last plugins_json.
swaptest() { plugin_by_version swaptest "$1" "$2"; }

start_berthd --plugin-dir "$swap/v1"
plugins_json
assert_eq active "$(swaptest 1.0.0 state)" "swaptest 1.0.0 at start
$(plugins_table)"
gen1=$(swaptest 1.0.0 generation)

note "berth plugin upgrade swaptest -> v2 (hand-over)"
rc=0
out=$("$BERTH" -H "$HOST" plugin upgrade swaptest "$swap/v2/$file" 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'berth plugin upgrade swaptest v2' (output: $out)"
plugins_json
assert_eq retired "$(swaptest 1.0.0 state)" "swaptest 1.0.0 after the upgrade
$(plugins_table)"
assert_eq active "$(swaptest 2.0.0 state)" "swaptest 2.0.0 after the upgrade
$(plugins_table)"
gen2=$(swaptest 2.0.0 generation)
[ "$gen2" -gt "$gen1" ] || fail "generation of 2.0.0 ($gen2) should be above 1.0.0's ($gen1)"

note "berth plugin upgrade swaptest -> bad (rollback)"
rc=0
out=$("$BERTH" -H "$HOST" plugin upgrade swaptest "$swap/bad/$file" 2>&1) || rc=$?
assert_ne 0 "$rc" "exit status of an upgrade to a plugin whose init fails (output: $out)"
assert_contains "$out" "init failed" "what 'berth plugin upgrade' says about the failure"
plugins_json
assert_eq active "$(swaptest 2.0.0 state)" "swaptest 2.0.0 after the failed upgrade
$(plugins_table)"
assert_eq "" "$(awk -F'\t' '$2 == "swaptest" && $4 == "active" && $3 != "2.0.0" { print $3 }' "$T/plugins.tsv")" \
    "other active swaptest generations after the failed upgrade"
api GET /_ping
assert_status 200 "GET /_ping after the failed upgrade"

note "POST upgrade -> v2-nohandover (drain path)"
api POST /v1.44/berth/plugins/swaptest/upgrade "{\"File\":\"$swap/v2-nohandover/$file\"}"
assert_status 200 "POST /v1.44/berth/plugins/swaptest/upgrade (v2-nohandover)"
assert_eq 2.1.0 "$(json_eval 'd["Version"]' <<<"$HTTP_BODY")" "upgrade reply Version"
assert_eq false "$(json_eval 'd["HandedOver"]' <<<"$HTTP_BODY")" "upgrade reply HandedOver"
gen3=$(json_eval 'd["Generation"]' <<<"$HTTP_BODY")
[ "$gen3" -gt "$gen2" ] || fail "reply Generation $gen3 should be above 2.0.0's ($gen2)"
# Nothing calls the driver, so the old generation drains at once.
for ((i = 0; i < 50; i++)); do
    plugins_json
    [ "$(swaptest 2.0.0 state)" == retired ] && break
    sleep 0.1
done
assert_eq retired "$(swaptest 2.0.0 state)" "swaptest 2.0.0 within 5 s of the drain upgrade
$(plugins_table)"
assert_eq active "$(swaptest 2.1.0 state)" "swaptest 2.1.0
$(plugins_table)"
assert_eq "$gen3" "$(swaptest 2.1.0 generation)" "generation of 2.1.0"

note "POST upgrade -> bad (API error body)"
api POST /v1.44/berth/plugins/swaptest/upgrade "{\"File\":\"$swap/bad/$file\"}"
[ "$HTTP_STATUS" -ge 400 ] && [ "$HTTP_STATUS" -lt 600 ] ||
    fail "upgrade to a plugin whose init fails: expected HTTP 4xx/5xx, got $HTTP_STATUS: $HTTP_BODY"
assert_eq application/json "$HTTP_CTYPE" "Content-Type of the failed upgrade"
assert_contains "$(json_eval 'd["message"]' <<<"$HTTP_BODY")" "init failed" "failed upgrade message"
plugins_json
assert_eq active "$(swaptest 2.1.0 state)" "swaptest 2.1.0 after the failed API upgrade
$(plugins_table)"

note "unknown plugin"
api POST /v1.44/berth/plugins/no-such-plugin/upgrade "{\"File\":\"$swap/v2/$file\"}"
[ "$HTTP_STATUS" -ge 400 ] && [ "$HTTP_STATUS" -lt 500 ] ||
    fail "upgrade of an unknown plugin: expected HTTP 4xx, got $HTTP_STATUS: $HTTP_BODY"
