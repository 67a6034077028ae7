#!/usr/bin/env bash
# network_dns.sh — user-defined bridge networks with the embedded DNS, as
# the stock docker CLI drives them: containers on one network reach each
# other by name, --network-alias and ID prefix; the default bridge has no
# name resolution; two networks are isolated from each other; an
# --internal network has no default route; network inspect lists the
# containers with their addresses; connect/disconnect on running
# containers add and remove a network.
#
# Expects from the daemon: POST /networks/create (net-bridge), endpoints
# with an eth0 per network, the embedded DNS at 127.0.0.11 on user networks
# (resolv.conf pointing at it), nft isolation between bridges, connect and
# disconnect of running containers. All inside the test's namespace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

nt_setup
P=nd$$
N1=$P-net1
N2=$P-net2
NI=$P-int

# Everything the sections share, made once: a failure here is the first
# networking step that does not work yet.
dk_ok network create "$N1"
dk_ok network create "$N2"
dk_ok network create --internal "$NI"
dk_ok run -d --name "$P-a" --network "$N1" busybox sleep 600
dk_ok run -d --name "$P-b" --network "$N1" --network-alias bee busybox sleep 600
dk_ok run -d --name "$P-c" --network "$N2" busybox sleep 600
dk_ok run -d --name "$P-d" busybox sleep 600
dk_ok run -d --name "$P-e" busybox sleep 600
dk_ok run -d --name "$P-i" --network "$NI" busybox sleep 600
for c in a b c d e i; do wait_status "$P-$c" running; done

s_names() {
    can_ping "$P-a" "$P-b" || fail "$P-a cannot ping $P-b by name on $N1"
    can_ping "$P-b" "$P-a" || fail "$P-b cannot ping $P-a by name on $N1"
    can_ping "$P-a" bee || fail "$P-a cannot ping $P-b by its alias 'bee'"
    local id
    id=$(ci '{{.Id}}' "$P-b")
    can_ping "$P-a" "${id:0:12}" || fail "$P-a cannot ping $P-b by its 12-character ID prefix"
    # What the name resolves to is the address inspect reports.
    in_ctr "$P-a" nslookup "$P-b"
    assert_contains "$OUT" "$(ctr_ip "$P-b" "$N1")" "nslookup $P-b from $P-a"
    in_ctr "$P-a" cat /etc/resolv.conf
    assert_contains "$OUT" "nameserver 127.0.0.11" "resolv.conf of a container on a user network"
}

s_default_bridge_has_no_names() {
    local ip_e
    ip_e=$(ctr_ip "$P-e" bridge)
    assert_match "$ip_e" '^10\.201\.' "$P-e's address on the default bridge"
    can_ping "$P-d" "$ip_e" || fail "$P-d cannot ping $P-e's address $ip_e on the default bridge"
    can_ping "$P-d" "$P-e" && fail "$P-e's name resolved on the default bridge (docker has no DNS there)"
    true
}

s_isolation() {
    local ip_a
    ip_a=$(ctr_ip "$P-a" "$N1")
    assert_match "$ip_a" '^[0-9.]+$' "$P-a's address on $N1"
    can_ping "$P-c" "$ip_a" && fail "$P-c on $N2 reached $P-a ($ip_a) on $N1"
    can_ping "$P-c" "$P-a" && fail "$P-c on $N2 resolved and reached $P-a"
    true
}

s_internal() {
    in_ctr "$P-i" cat /proc/net/route
    assert_eq 0 "$RC" "reading /proc/net/route in $P-i ($OUT)"
    # Destination 00000000 is a default route.
    awk 'NR > 1 && $2 == "00000000" { found = 1 } END { exit !found }' <<<"$OUT" &&
        fail "a container on the --internal network $NI has a default route:
$OUT"
    local gw1
    gw1=$(docker network inspect --format '{{(index .IPAM.Config 0).Gateway}}' "$N1")
    assert_match "$gw1" '^[0-9.]+$' "$N1's gateway"
    can_ping "$P-i" "$gw1" && fail "$P-i on the internal network reached $N1's gateway $gw1"
    local ip_a
    ip_a=$(ctr_ip "$P-a" "$N1")
    can_ping "$P-i" "$ip_a" && fail "$P-i on the internal network reached $P-a ($ip_a)"
    true
}

s_inspect() {
    local ip_a ip_b
    ip_a=$(ctr_ip "$P-a" "$N1")
    ip_b=$(ctr_ip "$P-b" "$N1")
    dk_ok network inspect "$N1"
    local got
    got=$(json_eval '"\n".join(sorted("%s %s" % (c["Name"], c["IPv4Address"]) for c in d[0]["Containers"].values()))' <<<"$OUT")
    local want
    want=$(printf '%s\n' "$P-a $ip_a/" "$P-b $ip_b/" | sort)
    # IPv4Address is CIDR (10.x.y.z/16): compare up to the slash.
    assert_eq "$want" "$(sed 's|/.*|/|' <<<"$got")" "Containers of docker network inspect $N1"
    assert_eq "$(ci '{{.Id}}' "$P-a")" \
        "$(json_eval '[k for k, c in d[0]["Containers"].items() if c["Name"] == "'"$P-a"'"][0]' <<<"$OUT")" \
        "Containers is keyed by the container ID"
    assert_eq bridge "$(json_eval 'd[0]["Driver"]' <<<"$OUT")" "Driver of $N1"
    assert_eq local "$(json_eval 'd[0]["Scope"]' <<<"$OUT")" "Scope of $N1"
    assert_eq "[\"bee\"]" "$(ci "{{json (index .NetworkSettings.Networks \"$N1\").Aliases}}" "$P-b" |
        json_eval '[a for a in d if a == "bee"]')" "Aliases of $P-b on $N1"
}

s_connect() {
    local ip_c
    ip_c=$(ctr_ip "$P-c" "$N2")
    dk_ok network connect --alias a-on-2 "$N2" "$P-a"
    can_ping "$P-a" "$ip_c" || fail "$P-a (connected to $N2) cannot reach $P-c at $ip_c"
    can_ping "$P-a" "$P-c" || fail "$P-a (connected to $N2) cannot resolve $P-c"
    can_ping "$P-c" a-on-2 || fail "$P-c cannot reach $P-a by the alias given at connect"
    assert_match "$(ctr_ip "$P-a" "$N2")" '^[0-9.]+$' "$P-a's address on $N2 after connect"
    in_ctr "$P-a" ip -o link
    assert_contains "$OUT" eth1 "interfaces of $P-a after connect"
    dk_ok network disconnect "$N2" "$P-a"
    can_ping "$P-a" "$ip_c" && fail "$P-a still reaches $P-c at $ip_c after disconnect"
    assert_eq "" "$(ctr_ip "$P-a" "$N2")" "$P-a's endpoint on $N2 after disconnect"
    can_ping "$P-a" "$P-b" || fail "$P-a lost $N1 when disconnected from $N2"
}

s_connect_ip() {
    dk_ok network create --subnet 10.77.0.0/24 "$P-fixed"
    dk_ok network connect --ip 10.77.0.77 "$P-fixed" "$P-e"
    assert_eq 10.77.0.77 "$(ctr_ip "$P-e" "$P-fixed")" "address asked for with network connect --ip"
    in_ctr "$P-e" ip -4 -o addr show
    assert_contains "$OUT" "10.77.0.77/24" "addresses inside $P-e after connect --ip"
    dk_ok network disconnect "$P-fixed" "$P-e"
    dk_ok network rm "$P-fixed"
}

section names s_names
section default_bridge_has_no_names s_default_bridge_has_no_names
section isolation s_isolation
section internal s_internal
section inspect s_inspect
section connect s_connect
section connect_ip s_connect_ip
sections_done
