# shellcheck shell=bash
# compose_checks.sh — Debian's docker-compose (1.29, docker-py underneath)
# against berthd: compose/docker-compose.yml comes up, its services talk by
# name over the user network, the published port answers, and
# `docker-compose down -v` leaves no container, network or volume behind.
# Sourced by suite.sh; `compose_checks` runs the rows in order (each needs
# the previous one, so a failed `up` fails the rest with a clear message).

COMPOSE_PROJECT=compatc
COMPOSE_FILE_PATH=$(dirname "${BASH_SOURCE[0]}")/compose/docker-compose.yml
COMPOSE_PAGE="hello from the compose volume"

dcompose() { # ARGS... — sets OUT and RC
    RC=0
    OUT=$(timeout 120 /usr/bin/docker-compose --ansi never -p "$COMPOSE_PROJECT" -f "$COMPOSE_FILE_PATH" "$@" 2>&1) || RC=$?
}

# The objects compose labels as this project's, one name a line.
_project_objects() { # container|network|volume
    local label=com.docker.compose.project=$COMPOSE_PROJECT
    case $1 in
    container) docker ps -a --filter "label=$label" --format '{{.Names}}' ;;
    network) docker network ls --filter "label=$label" --format '{{.Name}}' ;;
    volume) docker volume ls --filter "label=$label" --format '{{.Name}}' ;;
    esac
}

k_up() {
    dcompose up -d
    assert_eq 0 "$RC" "docker-compose up -d (output: $OUT)"
    assert_contains "$OUT" "Creating network \"${COMPOSE_PROJECT}_backend\"" "up creates the network"
    assert_contains "$OUT" "Creating volume \"${COMPOSE_PROJECT}_site\"" "up creates the named volume"
    assert_match "$OUT" "Creating ${COMPOSE_PROJECT}_web_1 .*done" "up creates web"
    assert_match "$OUT" "Creating ${COMPOSE_PROJECT}_client_1 .*done" "up creates client"
    wait_status "${COMPOSE_PROJECT}_web_1" running
    wait_status "${COMPOSE_PROJECT}_client_1" running
    # depends_on: web was started before client.
    local web_at client_at
    # Compared as numbers: RFC 3339 strings with trimmed fractions do not
    # sort as text.
    web_at=$(date -d "$(ci '{{.State.StartedAt}}' "${COMPOSE_PROJECT}_web_1")" +%s%N)
    client_at=$(date -d "$(ci '{{.State.StartedAt}}' "${COMPOSE_PROJECT}_client_1")" +%s%N)
    [ "$web_at" -lt "$client_at" ] || fail "depends_on: web started at $web_at ns, client at $client_at ns"
    assert_eq "${COMPOSE_PROJECT}_backend" "$(_project_objects network)" "the project's network"
    assert_eq "${COMPOSE_PROJECT}_site" "$(_project_objects volume)" "the project's volume"
}

k_ps() {
    dcompose ps
    assert_eq 0 "$RC" "docker-compose ps (output: $OUT)"
    assert_match "$OUT" "^${COMPOSE_PROJECT}_web_1 .* Up .*127\.0\.0\.1:$COMPAT_WEB_PORT->8080/tcp" "ps row of web"
    assert_match "$OUT" "^${COMPOSE_PROJECT}_client_1 .* Up" "ps row of client"
}

k_talk() {
    # The client fetched web's page by service name: the embedded DNS
    # resolved "web" on the project network, and the page came from the
    # named volume web wrote it to.
    local i
    for ((i = 0; i < 150; i++)); do
        dcompose logs --no-color client
        case "$OUT" in *client-done*) break ;; esac
        sleep 0.1
    done
    assert_contains "$OUT" "$COMPOSE_PAGE" "docker-compose logs client (the page fetched from web:8080)"
    dk_ok exec "${COMPOSE_PROJECT}_client_1" nslookup web
    assert_contains "$OUT" "$(ctr_ip "${COMPOSE_PROJECT}_web_1" "${COMPOSE_PROJECT}_backend")" "web resolves to web's address"
    dk_ok volume inspect --format '{{.Labels}}' "${COMPOSE_PROJECT}_site"
    assert_contains "$OUT" "com.docker.compose.volume:site" "compose's labels on the volume"
}

k_port() {
    wait_until 15 "127.0.0.1:$COMPAT_WEB_PORT to answer" \
        nsx curl -fsS --max-time 2 "http://127.0.0.1:$COMPAT_WEB_PORT/index.html"
    assert_eq "$COMPOSE_PAGE" "$(nt_curl "http://127.0.0.1:$COMPAT_WEB_PORT/index.html" "the published port")" \
        "the page on the published port"
}

k_exec() {
    dcompose exec -T web cat /www/index.html
    assert_eq 0 "$RC" "docker-compose exec (output: $OUT)"
    assert_eq "$COMPOSE_PAGE" "$OUT" "docker-compose exec output"
}

k_down() {
    dcompose down -v
    assert_eq 0 "$RC" "docker-compose down -v (output: $OUT)"
    assert_match "$OUT" "Removing ${COMPOSE_PROJECT}_client_1 .*done" "down removes client"
    assert_match "$OUT" "Removing network ${COMPOSE_PROJECT}_backend" "down removes the network"
    assert_match "$OUT" "Removing volume ${COMPOSE_PROJECT}_site" "down -v removes the volume"
    assert_eq "" "$(_project_objects container)" "containers left after down -v"
    assert_eq "" "$(_project_objects network)" "networks left after down -v"
    assert_eq "" "$(_project_objects volume)" "volumes left after down -v"
    dk_ok network ls --format '{{.Name}}'
    assert_not_contains "$OUT" "${COMPOSE_PROJECT}_" "docker network ls after down -v"
    dk_ok volume ls --format '{{.Name}}'
    assert_not_contains "$OUT" "${COMPOSE_PROJECT}_" "docker volume ls after down -v"
}

compose_checks() {
    local cl=docker-compose
    COMPAT_WEB_PORT=$(nsx python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    export COMPAT_WEB_PORT
    check $cl "compose: up" "network, volume, two services, depends_on order" k_up
    check $cl "compose: ps" "both services Up, the port binding" k_ps
    check $cl "compose: services talk" "client wgets web:8080 by name; page from the named volume" k_talk
    check $cl "compose: published port" "the host curls 127.0.0.1:<port>" k_port
    check $cl "compose: exec" "exec -T in a service" k_exec
    check $cl "compose: down -v" "no containers, networks or volumes left" k_down
}
