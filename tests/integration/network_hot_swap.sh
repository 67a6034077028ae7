#!/usr/bin/env bash
# network_hot_swap.sh — `berth plugin upgrade` of the bridge network driver
# under traffic: two containers on a user network stream a counter over TCP
# (busybox nc) and ping each other every 0.2 s while the driver is replaced
# by a build with a higher version. The stream stays open and loses no line,
# ping loses at most one packet, `berth plugin ls` shows the new version,
# a container started afterwards is plumbed by the new generation. An
# upgrade to a build whose init fails is refused and the running version
# keeps serving.
#
# Expects from the daemon: the bridge driver with export_state/import_state
# (hand-over), so endpoints, links and nft rules stay as they are across the
# swap; the driver honouring BERTH_NET_BRIDGE_TEST_INIT_FAILS (the "bad"
# build, tests/plugins/net-bridge-v2/variants.cmake).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

file=libberth-network-bridge.so.1
v2="$BERTH_TEST_PLUGIN_DIR/net-bridge-v2/$file"
bad="$BERTH_TEST_PLUGIN_DIR/net-bridge-bad/$file"
for f in "$v2" "$bad"; do
    [ -f "$f" ] || fail "test plugin not built: $f (build the berth_test_plugins target)"
done

nt_setup
P=nh$$
NET=$P-net

# The active generation of the plugin providing network/bridge:
# "name version generation file".
bridge_plugin() {
    plugins_json
    awk -F'\t' '$4 == "active" && $8 ~ /(^|,)network\/bridge(,|$)/ { print $2, $3, $5, $7 }' "$T/plugins.tsv"
}

read -r name version gen1 file1 <<<"$(bridge_plugin)"
[ -n "$name" ] || fail "no active plugin provides the network driver 'bridge':
$(plugins_table)"
note "bridge driver: plugin $name $version, generation $gen1 ($file1)"

dk_ok network create "$NET"
# The server's stdin never ends, so nc never half-closes on its own.
dk_ok run -d --name "$P-srv" --network "$NET" busybox sh -c 'sleep 100000 | nc -l -p 7000 > /tmp/got'
wait_status "$P-srv" running
srv_ip=$(ctr_ip "$P-srv" "$NET")
assert_match "$srv_ip" '^[0-9.]+$' "$P-srv's address on $NET"
wait_until 15 "$P-srv to listen on 7000" docker exec "$P-srv" sh -c 'netstat -ltn | grep -q ":7000 "'
# A line every 20 ms until /tmp/stop appears; the container stays up after
# that, so the ping log can still be read.
dk_ok run -d --name "$P-cli" --network "$NET" busybox sh -c \
    "i=0; while [ ! -e /tmp/stop ]; do i=\$((i+1)); echo \$i; usleep 20000; done | nc $srv_ip 7000; sleep 100000"
wait_status "$P-cli" running
dk_ok exec -d "$P-cli" sh -c "ping -i 0.2 $srv_ip > /tmp/ping.log 2>&1"

lines() { docker exec "$P-srv" sh -c 'wc -l < /tmp/got' | tr -d ' '; }
_more_than() { [ "$(lines)" -gt "$1" ]; }
wait_until 15 "the counter stream to flow" _more_than 20
before=$(lines)
note "$before lines received before the upgrade"

note "berth plugin upgrade $name -> $v2"
rc=0
out=$("$BERTH" -H "$HOST" plugin upgrade "$name" "$v2" 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of 'berth plugin upgrade $name' to the v2 build (output: $out)"
read -r _ version2 gen2 file2 <<<"$(bridge_plugin)"
assert_eq "$v2" "$file2" "file of the active bridge driver after the upgrade
$(plugins_table)"
[ "$gen2" -gt "$gen1" ] || fail "generation after the upgrade ($gen2) should be above $gen1"
assert_ne "$version" "$version2" "version of the active bridge driver after the upgrade"
old_state=$(awk -F'\t' -v g="$gen1" '$5 == g { print $4 }' "$T/plugins.tsv")
assert_match "$old_state" '^(retired|draining)$' "state of the old generation $gen1"
ls_out=$("$BERTH" -H "$HOST" plugin ls 2>&1) || fail "berth plugin ls failed: $ls_out"
assert_contains "$ls_out" "$version2" "berth plugin ls after the upgrade"

# Traffic continued through the swap: more lines arrive on the same
# connection, the client's nc is still the one that started.
wait_until 10 "the counter stream to keep flowing after the upgrade" _more_than $((before + 50))
docker exec "$P-cli" pidof nc >/dev/null || fail "the client's nc ended during the upgrade"

note "a new container after the upgrade"
dk_ok run -d --name "$P-new" --network "$NET" busybox sleep 300
wait_status "$P-new" running
new_ip=$(ctr_ip "$P-new" "$NET")
assert_match "$new_ip" '^[0-9.]+$' "address of a container plumbed by generation $gen2"
dk_ok exec "$P-new" ping -c1 -W2 "$srv_ip"
dk_ok exec "$P-cli" ping -c1 -W2 "$new_ip"

note "berth plugin upgrade $name -> a build whose init fails"
rc=0
out=$("$BERTH" -H "$HOST" plugin upgrade "$name" "$bad" 2>&1) || rc=$?
assert_ne 0 "$rc" "exit status of an upgrade to a bridge driver whose init fails (output: $out)"
assert_contains "$out" "init failed" "what 'berth plugin upgrade' says about the failure"
read -r _ _ gen3 file3 <<<"$(bridge_plugin)"
assert_eq "$gen2 $v2" "$gen3 $file3" "active bridge driver after the failed upgrade
$(plugins_table)"
dk_ok exec "$P-new" ping -c1 -W2 "$srv_ip"
dk_ok run -d --name "$P-after-bad" --network "$NET" busybox sleep 300
dk_ok exec "$P-after-bad" ping -c1 -W2 "$new_ip"

note "stop the stream and the ping, then count"
docker exec "$P-cli" killall -INT ping >/dev/null 2>&1 || true
dk_ok exec "$P-cli" touch /tmp/stop
_nc_gone() { ! docker exec "$P-srv" pidof nc >/dev/null 2>&1; }
wait_until 15 "the server's nc to see the end of the stream" _nc_gone
got=$(docker exec "$P-srv" cat /tmp/got)
total=$(wc -l <<<"$got")
[ "$total" -gt $((before + 50)) ] || fail "only $total lines arrived ($before before the upgrade)"
gap=$(awk 'NR != $1 { print "line " NR " holds \"" $1 "\""; exit }' <<<"$got")
assert_eq "" "$gap" "the counter stream (lines must be 1..$total with no gap)"

ping_log=$(docker exec "$P-cli" cat /tmp/ping.log)
stats=$(grep 'packets transmitted' <<<"$ping_log") || fail "no ping statistics in the log:
$(tail -5 <<<"$ping_log")"
sent=$(sed -E 's/^([0-9]+) packets transmitted.*/\1/' <<<"$stats")
received=$(sed -E 's/.* ([0-9]+) packets received.*/\1/' <<<"$stats")
note "ping: $stats"
[ "$sent" -gt 10 ] || fail "ping sent only $sent packets: $stats"
[ $((sent - received)) -le 1 ] || fail "ping lost $((sent - received)) packets across the upgrades (at most 1): $stats"
