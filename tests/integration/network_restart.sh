#!/usr/bin/env bash
# network_restart.sh — networking survives a berthd crash: containers with
# published ports on a user network keep serving while berthd is killed
# with SIGKILL and after it starts again; inspect shows the same addresses,
# network ls the same networks. Then removing every container and network
# leaves nothing of berth's in the namespace: no bridge or veth but the
# default bridge berth0, no nft table but berth's own (named in
# daemon.json) and no rule for the removed network or ports, no port proxy.
#
# Expects from the daemon: persisted networks, endpoints and IPAM
# allocations, restore of the bridge driver's state (links, nft rules,
# proxies) on start without disturbing running containers, and complete
# clean-up on rm.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

command -v nft >/dev/null || skip "nft is not installed"

nt_setup
nt_web_image
P=nr$$
NET=$P-net
page="hello from berth web"
links_before=$(nt_links)

dk_ok network create --subnet 10.70.0.0/24 "$NET"
dk_ok run -d --name "$P-w1" --network "$NET" -p 8181:8080 web:1
dk_ok run -d --name "$P-w2" --network "$NET" -p 8182:8080 web:1
dk_ok run -d --name "$P-w3" -p 8183:8080 web:1
for c in w1 w2 w3; do wait_status "$P-$c" running; done
for port in 8181 8182 8183; do
    wait_until 15 "port $port to answer before the restart" nsx curl -fsS --max-time 2 "http://127.0.0.1:$port/"
done

snapshot() {
    local c
    for c in w1 w2 w3; do
        docker container inspect --format \
            '{{.Name}} {{range $n, $e := .NetworkSettings.Networks}}{{$n}}={{$e.IPAddress}}/{{$e.MacAddress}} {{end}}{{json .NetworkSettings.Ports}}' \
            "$P-$c"
    done
    docker network ls --no-trunc --format '{{.ID}} {{.Name}} {{.Driver}}' | sort
}
before=$(snapshot)
note "state before the crash:
$before"

w1_ip=$(ctr_ip "$P-w1" "$NET")
assert_match "$w1_ip" '^10\.70\.0\.' "$P-w1's address on $NET (--subnet 10.70.0.0/24)"

note "kill -9 berthd"
kill -KILL "$BERTHD_PID"
reap "$BERTHD_PID"
# With the daemon gone the containers and their links stay: the bridge
# and the veths belong to the kernel.
assert_eq "$page" "$(nt_curl "http://$w1_ip:8080/" "$P-w1 at its address with berthd down")" "$P-w1 with berthd down"

note "start berthd again"
nt_restart_berthd
for port in 8181 8182 8183; do
    wait_until 15 "port $port to answer after the restart" nsx curl -fsS --max-time 2 "http://127.0.0.1:$port/"
done
after=$(snapshot)
assert_eq "$before" "$after" "addresses, ports and networks across the restart"
# The restored daemon still knows the endpoints: names resolve, a new
# container gets a fresh address, not one in use.
dk_ok exec "$P-w1" ping -c1 -W2 "$P-w2"
dk_ok run -d --name "$P-w4" --network "$NET" busybox sleep 300
ip4=$(ctr_ip "$P-w4" "$NET")
for c in w1 w2; do
    assert_ne "$(ctr_ip "$P-$c" "$NET")" "$ip4" "address of a container started after the restart"
done

note "remove everything"
dk_ok rm -f "$P-w1" "$P-w2" "$P-w3" "$P-w4"
dk_ok network rm "$NET"
# berth0 (the default bridge) may come and stay with the daemon; nothing
# else of berth's may outlive the containers and the network.
links_after=$(nt_links)
assert_eq "$(grep -vx berth0 <<<"$links_before")" "$(grep -vx berth0 <<<"$links_after")" \
    "links in the namespace (besides berth0) after every container and network is gone"
assert_not_contains "$links_after" veth "links after clean-up"
assert_not_contains "$links_after" br- "links after clean-up"
ruleset=$(nsx nft list ruleset 2>&1)
# The default bridge may keep its masquerade rules while berthd runs; the
# user network and the published ports must leave nothing behind.
assert_not_contains "$ruleset" "10.70.0." "nft ruleset after the user network is gone"
for port in 8181 8182 8183; do
    assert_not_contains "$ruleset" "dport $port" "nft ruleset after the containers publishing $port are gone"
    nsx curl -fsS --max-time 2 "http://127.0.0.1:$port/" >/dev/null 2>&1 && fail "port $port still answers after rm -f"
done
tables=$(nsx nft list tables 2>&1)
while read -r family name; do
    [ -n "$name" ] || continue
    [ "$name" == "$NT_NFT_TABLE" ] ||
        fail "nft table '$family $name' in the namespace is not berth's configured table $NT_NFT_TABLE:
$tables"
done < <(sed -n 's/^table //p' <<<"$tables")
proxies=$(pgrep -a berth-proxy 2>/dev/null | grep -E '818[123]' || true)
assert_eq "" "$proxies" "berth-proxy processes for the test's ports after rm -f"
