#!/usr/bin/env bash
# plugin_rejects.sh — berthd starts with a plugin directory holding four
# plugins it must refuse (each for its own reason) and one valid one; it lists
# every refusal with its reason, loads the valid one and its bundled plugins,
# and keeps serving.
. "$(dirname "$0")/lib.sh"

rejects="$BERTH_TEST_PLUGIN_DIR/rejects"
[ -d "$rejects" ] || fail "test plugins not built: $rejects (build target berth_test_plugins)"

start_berthd --plugin-dir "$rejects"
plugins_json

# basename -> expected reason substring
declare -A refused=(
    [libberth-authz-abimajor.so.1]="ABI major differs"
    [libberth-authz-newerminor.so.1]="requires a newer host"
    [libberth-authz-noentry.so.1]="missing entry symbol"
    [libberth-authz-initfails.so.1]="init failed: PREREQ: test plugin refuses to start"
)
for f in "${!refused[@]}"; do
    note "$f refused"
    [ -f "$rejects/$f" ] || fail "test plugin missing from the build: $rejects/$f"
    assert_eq rejected "$(plugin_by_file "$f" state)" "state of $f in GET /plugins
$(plugins_table)"
    assert_contains "$(plugin_by_file "$f" reason)" "${refused[$f]}" "reason of $f"
done

note "allowall active"
assert_eq active "$(plugin_by_file libberth-authz-allowall.so.1 state)" \
    "state of libberth-authz-allowall.so.1
$(plugins_table)"
assert_eq "" "$(plugin_by_file libberth-authz-allowall.so.1 reason)" "reason of an active plugin"
assert_eq authz/allowall "$(plugin_by_file libberth-authz-allowall.so.1 drivers)" "drivers of allowall"
assert_eq 1.0.0 "$(plugin_by_file libberth-authz-allowall.so.1 version)" "version of allowall"

note "bundled plugins"
bundled=$(cd "$BERTH_BUNDLED_PLUGIN_DIR" 2>/dev/null && ls libberth-*.so.[0-9]* 2>/dev/null || true)
[ -n "$bundled" ] || fail "no bundled plugins in $BERTH_BUNDLED_PLUGIN_DIR"
assert_contains "$bundled" libberth-storage-overlay2.so.1 "bundled plugins built"
active_storage=0
for f in $bundled; do
    state=$(plugin_by_file "$f" state)
    file=$(plugin_by_file "$f" file)
    assert_eq "$BERTH_BUNDLED_PLUGIN_DIR/$f" "$file" "where berthd found bundled $f"
    drivers=$(plugin_by_file "$f" drivers)
    # Deviation from the written contract (active|rejected|draining|retired),
    # accepted narrowly: berthd starts only the selected storage driver, like
    # dockerd, and lists the other storage plugins as "standby".
    if [ "$state" == standby ] && [[ "$drivers" == storage/* ]]; then
        assert_eq "" "$(plugin_by_file "$f" reason)" "reason of standby $f"
        continue
    fi
    # windowsfilter may decline Linux from init (its documented PREREQ).
    if [ "$f" == libberth-storage-windowsfilter.so.1 ] && [ "$state" == rejected ]; then
        assert_contains "$(plugin_by_file "$f" reason)" "PREREQ" "reason of $f"
        continue
    fi
    assert_eq active "$state" "state of bundled $f
$(plugins_table)"
    if [[ "$drivers" == storage/* ]]; then
        active_storage=$((active_storage + 1))
    fi
done
assert_eq active "$(plugin_by_file libberth-storage-overlay2.so.1 state)" \
    "storage-overlay2, the preferred storage driver on Linux"
assert_eq 1 "$active_storage" "number of active storage plugins
$(plugins_table)"

note "daemon still serving"
api GET /_ping
assert_status 200 "GET /_ping after loading the rejects"
assert_eq OK "$HTTP_BODY" "GET /_ping body"

note "berth plugin ls"
rc=0
out=$("$BERTH" -H "$HOST" plugin ls 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'berth plugin ls' (output: $out)"
assert_match "$(head -n1 <<<"$out")" 'REASON' "berth plugin ls header"
for f in "${!refused[@]}"; do
    assert_match "$out" "rejected.*${refused[$f]}" "berth plugin ls row for $f"
done
assert_match "$out" 'allowall.*active' "berth plugin ls row for allowall"
assert_match "$out" 'storage-overlay2.*active' "berth plugin ls row for storage-overlay2"
