#!/usr/bin/env bash
# network_web.sh — published ports as the stock docker CLI sees them: a
# busybox httpd container on the default bridge with -p 8080:8080 answers
# curl on 127.0.0.1:8080 (the userland proxy) and on the host's other
# address (DNAT); `docker port` and inspect report the binding as dockerd
# does; -P with EXPOSE/--expose picks free host ports that work too; the
# PORTS column of `docker ps` reads like docker's.
#
# Expects from the daemon: bridge networking with NetworkSettings.Ports
# filled (HostIp "0.0.0.0" for an unspecified -p address), DNAT plus the
# 127.0.0.1 proxy, ephemeral ports for -P. Everything runs in a network
# namespace of the test's own (network_lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
. "$(dirname "$0")/network_lib.sh"

nt_setup
nt_web_image
P=nw$$
page="hello from berth web"

s_publish() {
    dk_ok run -d --name "$P-web" -p 8080:8080 web:1
    wait_status "$P-web" running
    # httpd needs a moment to bind; poll rather than sleep.
    wait_until 15 "http://127.0.0.1:8080/ to answer in the namespace" \
        nsx curl -fsS --max-time 2 http://127.0.0.1:8080/
    assert_eq "$page" "$(nt_curl http://127.0.0.1:8080/ "page through -p 8080:8080")" "page on 127.0.0.1:8080"
    dk_ok port "$P-web"
    assert_contains "$OUT" "8080/tcp -> 0.0.0.0:8080" "docker port $P-web"
    dk_ok port "$P-web" 8080
    assert_contains "$OUT" "0.0.0.0:8080" "docker port $P-web 8080"
    dk port "$P-web" 9999
    assert_ne 0 "$RC" "docker port of an unpublished port"
    assert_contains "$OUT" "No public port '9999' published for $P-web" "docker port of an unpublished port"
    assert_eq 8080 "$(ci '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}' "$P-web")" \
        "inspect NetworkSettings.Ports 8080/tcp HostPort"
    assert_eq 0.0.0.0 "$(ci '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostIp}}' "$P-web")" \
        "inspect NetworkSettings.Ports 8080/tcp HostIp"
    assert_eq 8080 "$(ci '{{(index (index .HostConfig.PortBindings "8080/tcp") 0).HostPort}}' "$P-web")" \
        "inspect HostConfig.PortBindings"
    # The container's own address on the bridge answers too (no proxy there).
    local ip
    ip=$(ctr_ip "$P-web" bridge)
    assert_match "$ip" '^10\.201\.' "the container's address on the default bridge (bip 10.201.0.1/16)"
    assert_eq "$page" "$(nt_curl "http://$ip:8080/" "page on the container's address")" "page on $ip:8080"
}

s_publish_address() {
    # DNAT for traffic to a non-loopback host address: give the namespace
    # one and publish on it only.
    nt_extra_link "$P-h" 192.0.2.10/24
    dk_ok run -d --name "$P-web-ip" -p 192.0.2.10:8090:8080 web:1
    wait_until 15 "http://192.0.2.10:8090/ to answer" nsx curl -fsS --max-time 2 http://192.0.2.10:8090/
    dk_ok port "$P-web-ip" 8080/tcp
    assert_eq "192.0.2.10:8090" "$OUT" "docker port for -p 192.0.2.10:8090:8080 (one address, no [::] line)"
    nsx curl -fsS --max-time 2 http://127.0.0.1:8090/ >/dev/null 2>&1 &&
        fail "port 8090 published on 192.0.2.10 only answered on 127.0.0.1"
    true
}

s_publish_all() {
    dk_ok run -d --name "$P-all" -P --expose 8081 web:1 httpd -f -p 8081 -h /www
    wait_status "$P-all" running
    local port
    port=$(ci '{{(index (index .NetworkSettings.Ports "8081/tcp") 0).HostPort}}' "$P-all")
    assert_match "$port" '^[0-9]+$' "ephemeral host port for --expose 8081 with -P"
    [ "$port" -ge 1024 ] || fail "-P picked the privileged port $port"
    # EXPOSE 8080 in the image is published too (nothing listens there).
    assert_match "$(ci '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}' "$P-all")" '^[0-9]+$' \
        "ephemeral host port for the image's EXPOSE 8080"
    dk_ok port "$P-all" 8081
    # dockerd may add a "[::]:PORT" line when the host has IPv6.
    assert_contains "$OUT" "0.0.0.0:$port" "docker port $P-all 8081"
    wait_until 15 "http://127.0.0.1:$port/ (-P) to answer" nsx curl -fsS --max-time 2 "http://127.0.0.1:$port/"
    assert_eq "$page" "$(nt_curl "http://127.0.0.1:$port/" "page through -P")" "page through the -P port"
    assert_eq true "$(ci '{{.HostConfig.PublishAllPorts}}' "$P-all")" "HostConfig.PublishAllPorts"
}

s_ps_ports() {
    dk_ok ps --filter "name=^$P-web\$" --format '{{.Ports}}'
    assert_contains "$OUT" "0.0.0.0:8080->8080/tcp" "docker ps PORTS of $P-web"
    dk_ok run -d --name "$P-exposed" --expose 7000 busybox sleep 300
    dk_ok ps --filter "name=^$P-exposed\$" --format '{{.Ports}}'
    assert_eq "7000/tcp" "$OUT" "docker ps PORTS of an exposed, unpublished port"
}

s_port_freed() {
    dk_ok rm -f "$P-web"
    # The host port is released with the container: a new one can take it.
    dk_ok run -d --name "$P-web2" -p 8080:8080 web:1
    wait_until 15 "http://127.0.0.1:8080/ to answer again" nsx curl -fsS --max-time 2 http://127.0.0.1:8080/
    dk run -d --name "$P-clash" -p 8080:8080 web:1
    assert_ne 0 "$RC" "a second container on host port 8080"
    assert_icontains "$OUT" "already" "error for a host port in use (docker: 'port is already allocated')"
}

section publish s_publish
section publish_address s_publish_address
section publish_all s_publish_all
section ps_ports s_ps_ports
section port_freed s_port_freed
sections_done
