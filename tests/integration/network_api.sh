#!/usr/bin/env bash
# network_api.sh — the network API as the stock docker CLI uses it: the
# predefined networks, create with IPAM options and what inspect shows of
# them, the refusals dockerd makes (overlapping subnet, --ip outside the
# subnet or in use, rm of a network in use or of a predefined one), prune,
# and the host and none network modes.
#
# Expects from the daemon: GET/POST/DELETE /networks with docker's shapes
# (IPAM.Config, Containers, Options), the core IPAM's conflict messages,
# host mode sharing berthd's network namespace, none mode with lo only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

nt_setup
P=na$$

s_predefined() {
    dk_ok network ls --format '{{.Name}} {{.Driver}} {{.Scope}}'
    assert_contains "$OUT" "bridge bridge local" "docker network ls"
    assert_contains "$OUT" "host host local" "docker network ls"
    assert_contains "$OUT" "none null local" "docker network ls"
    dk_ok network ls
    assert_match "$(head -1 <<<"$OUT")" '^NETWORK ID +NAME +DRIVER +SCOPE$' "docker network ls header"
    dk_ok network inspect bridge
    assert_eq 10.201.0.0/16 "$(json_eval 'd[0]["IPAM"]["Config"][0]["Subnet"]' <<<"$OUT")" \
        "the default bridge's subnet from bip 10.201.0.1/16"
    assert_eq 10.201.0.1 "$(json_eval 'd[0]["IPAM"]["Config"][0]["Gateway"]' <<<"$OUT")" \
        "the default bridge's gateway from bip"
    assert_eq berth0 "$(json_eval 'd[0]["Options"].get("com.docker.network.bridge.name", "")' <<<"$OUT")" \
        "the default bridge's interface name option"
    nsx ip -o addr show dev berth0 >/dev/null 2>&1 || fail "no berth0 interface in the namespace"
    assert_contains "$(nsx ip -o -4 addr show dev berth0)" "10.201.0.1/16" "berth0's address"
}

s_create_ipam() {
    dk_ok network create --subnet 10.50.0.0/16 --gateway 10.50.0.254 --ip-range 10.50.7.0/24 \
        --label team=net -o com.docker.network.bridge.name="$P-br" "$P-ipam"
    assert_match "$OUT" '^[0-9a-f]{64}$' "network create prints the full ID"
    local id=$OUT
    dk_ok network inspect "$P-ipam"
    assert_eq "$id" "$(json_eval 'd[0]["Id"]' <<<"$OUT")" "Id"
    assert_eq "$P-ipam" "$(json_eval 'd[0]["Name"]' <<<"$OUT")" "Name"
    assert_eq '[{"Subnet": "10.50.0.0/16", "IPRange": "10.50.7.0/24", "Gateway": "10.50.0.254"}]' \
        "$(json_eval '[{k: c[k] for k in ("Subnet", "IPRange", "Gateway")} for c in d[0]["IPAM"]["Config"]]' <<<"$OUT")" \
        "IPAM.Config"
    assert_eq default "$(json_eval 'd[0]["IPAM"]["Driver"]' <<<"$OUT")" "IPAM.Driver"
    assert_eq net "$(json_eval 'd[0]["Labels"]["team"]' <<<"$OUT")" "Labels"
    assert_eq "{}" "$(json_eval 'd[0]["Containers"]' <<<"$OUT")" "Containers of an unused network"
    nsx ip -o link show "$P-br" >/dev/null 2>&1 || fail "bridge $P-br (com.docker.network.bridge.name) not in the namespace"
    # Containers get addresses from the range, the gateway from the option.
    dk_ok run -d --name "$P-r1" --network "$P-ipam" busybox sleep 300
    assert_match "$(ctr_ip "$P-r1" "$P-ipam")" '^10\.50\.7\.' "address allocated from --ip-range 10.50.7.0/24"
    assert_eq 10.50.0.254 "$(ci "{{(index .NetworkSettings.Networks \"$P-ipam\").Gateway}}" "$P-r1")" "Gateway in inspect"
    in_ctr "$P-r1" ip route
    assert_contains "$OUT" "default via 10.50.0.254" "default route inside the container"
    # Default pools: a network without --subnet gets one, not overlapping.
    dk_ok network create "$P-auto"
    dk_ok network inspect --format '{{(index .IPAM.Config 0).Subnet}}' "$P-auto"
    assert_match "$OUT" '^[0-9.]+/[0-9]+$' "subnet picked for $P-auto"
    assert_ne 10.50.0.0/16 "$OUT" "the picked subnet"
}

s_refusals() {
    dk_ok network create --subnet 10.60.0.0/16 "$P-a"
    dk network create --subnet 10.60.8.0/24 "$P-overlap"
    assert_eq 1 "$RC" "exit status of network create with an overlapping subnet ($OUT)"
    assert_icontains "$OUT" "overlap" "overlapping subnet refused"
    dk network create --subnet 10.201.5.0/24 "$P-overlap-bip"
    assert_eq 1 "$RC" "network create overlapping the default bridge ($OUT)"
    assert_icontains "$OUT" "overlap" "subnet overlapping the default bridge refused"
    dk network create "$P-a"
    assert_eq 1 "$RC" "network create with a name in use ($OUT)"
    assert_contains "$OUT" "network with name $P-a already exists" "duplicate network name"

    dk run -d --name "$P-outside" --network "$P-a" --ip 10.61.0.5 busybox sleep 300
    assert_ne 0 "$RC" "run --ip outside the subnet"
    assert_icontains "$OUT" "10.61.0.5" "error for --ip outside the subnet names the address"
    dk run -d --name "$P-ip1" --network "$P-a" --ip 10.60.0.50 busybox sleep 300
    assert_eq 0 "$RC" "run --ip 10.60.0.50 ($OUT)"
    assert_eq 10.60.0.50 "$(ctr_ip "$P-ip1" "$P-a")" "address asked for with --ip"
    dk run -d --name "$P-ip2" --network "$P-a" --ip 10.60.0.50 busybox sleep 300
    assert_ne 0 "$RC" "run --ip with an address in use"
    assert_icontains "$OUT" "in use" "error for an address in use"
    dk run -d --name "$P-ipdef" --ip 10.201.0.99 busybox sleep 300
    assert_ne 0 "$RC" "run --ip on the default bridge"
    assert_icontains "$OUT" "user" "docker: user specified IP address is supported only on user defined networks"

    dk network rm "$P-a"
    assert_eq 1 "$RC" "network rm of a network with a container ($OUT)"
    assert_icontains "$OUT" "active endpoints" "rm of a network in use (docker: 'has active endpoints')"
    api DELETE /v1.44/networks/bridge
    assert_status 403 "DELETE /networks/bridge"
    dk network rm bridge
    assert_eq 1 "$RC" "docker network rm bridge ($OUT)"
    assert_contains "$OUT" "bridge is a pre-defined network and cannot be removed" "docker network rm bridge"
    dk network rm host none
    assert_eq 1 "$RC" "docker network rm host none"
    # Once the container is gone its address is free again.
    dk_ok rm -f "$P-ip1"
    dk_ok run -d --name "$P-ip3" --network "$P-a" --ip 10.60.0.50 busybox sleep 300
    dk_ok rm -f "$P-ip3"
    dk_ok network rm "$P-a"
    assert_eq "$P-a" "$OUT" "docker network rm prints the name"
    dk network inspect "$P-a"
    assert_eq 1 "$RC" "inspect of a removed network"
}

s_prune() {
    dk_ok network create "$P-unused1"
    dk_ok network create "$P-unused2"
    dk_ok network create "$P-used"
    dk_ok run -d --name "$P-user" --network "$P-used" busybox sleep 300
    dk_ok network prune -f
    assert_contains "$OUT" "Deleted Networks:" "network prune output"
    assert_contains "$OUT" "$P-unused1" "network prune output"
    assert_contains "$OUT" "$P-unused2" "network prune output"
    assert_not_contains "$OUT" "$P-used" "network prune output"
    dk_ok network ls --format '{{.Name}}'
    assert_contains "$OUT" "$P-used" "networks after prune"
    assert_contains "$OUT" bridge "networks after prune"
    assert_not_contains "$OUT" "$P-unused1" "networks after prune"
}

# Interface names inside a container, one per line (busybox ip over netlink,
# so it does not depend on what /sys shows).
IFNAMES='ip -o link | cut -d: -f2 | tr -d " " | sed "s/@.*//"'

s_host_mode() {
    nt_extra_link "$P-hl"
    dk_ok run --rm --network host busybox sh -c "$IFNAMES"
    assert_contains "$OUT" "$P-hl" "interfaces seen by a --network host container (the namespace's)"
    assert_contains "$OUT" berth0 "interfaces seen by a --network host container"
    dk_ok network inspect --format '{{.Driver}}' host
    assert_eq host "$OUT" "driver of the host network"
}

s_none_mode() {
    dk_ok run --rm --network none busybox sh -c "$IFNAMES"
    assert_eq lo "$OUT" "interfaces of a --network none container"
    dk_ok network inspect --format '{{.Driver}}' none
    assert_eq null "$OUT" "driver of the none network"
}

s_container_mode() {
    dk_ok run -d --name "$P-owner" busybox sleep 300
    wait_status "$P-owner" running
    owner_ns=$(docker exec "$P-owner" readlink /proc/self/ns/net)
    dk_ok run --rm --network "container:$P-owner" busybox readlink /proc/self/ns/net
    assert_eq "$owner_ns" "$OUT" "network namespace of a --network container:$P-owner container"
    dk_ok run --rm --network "container:$P-owner" busybox cat /etc/hostname
    assert_eq "$(docker exec "$P-owner" cat /etc/hostname)" "$OUT" "/etc/hostname is the owner's"
    dk run --rm --network "container:$P-nosuch" busybox true
    assert_ne 0 "$RC" "run --network container:<missing>"
    assert_contains "$OUT" "No such container: $P-nosuch" "error for a missing network container"
    dk_ok create --name "$P-stopped" busybox true
    dk run --rm --network "container:$P-stopped" busybox true
    assert_ne 0 "$RC" "run --network container:<not running>"
    assert_contains "$OUT" "non running container" "error for a stopped network container"
    dk_ok rm -f "$P-owner" "$P-stopped"
}

section predefined s_predefined
section create_ipam s_create_ipam
section refusals s_refusals
section prune s_prune
section host_mode s_host_mode
section none_mode s_none_mode
section container_mode s_container_mode
sections_done
