#!/usr/bin/env bash
# cli_format.sh — --format templates evaluated by the berth CLI give what the
# stock docker CLI prints for the same objects of one berthd: inspect with
# fields, range, if/else, index, functions and pipes; ps, images, volume ls,
# network ls tables and custom rows; info and version.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"

ct_setup
P=cf$$ # name prefix

bt() {
    RC=0
    OUT=$("$BERTH" -H "$HOST" "$@" 2>&1) || RC=$?
}

# same ARGS... — both CLIs succeed and print the same.
same() {
    dk "$@"
    assert_eq 0 "$RC" "docker $* exit status (output: $OUT)"
    local want=$OUT
    bt "$@"
    assert_eq 0 "$RC" "berth $* exit status (output: $OUT)"
    assert_eq "$want" "$OUT" "berth $* prints what docker prints"
}

dk_ok volume create --label "com.example.team=$P" "$P-vol"
dk_ok run -d --network none --name "$P-web" --label "com.example.role=web" --label tier=front \
    -v "$P-vol:/data" -e "FOO=bar" busybox sleep 300
dk_ok create --network none --name "$P-db" busybox true

s_inspect() {
    local c=$P-web
    same inspect -f '{{.Name}} {{.State.Status}} {{.State.Running}} {{.Config.Image}}' "$c"
    same inspect -f '{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}' "$c"
    same inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}' "$c"
    same inspect -f '{{index .Config.Labels "tier"}}' "$c"
    same inspect -f '{{if .State.Running}}up{{else}}down{{end}} {{len .Config.Env}}' "$c"
    same inspect -f '{{json .Config.Labels}}' "$c"
    same inspect -f '{{join .Config.Cmd " "}}|{{.Config.Cmd | json}}' "$c"
    same inspect -f '{{upper .State.Status}} {{title "one two"}} {{printf "%.5s" .Id}}' "$c"
    same inspect -f '{{with .State}}{{.Status}}{{end}}{{$.Name}}' "$c"
    same inspect -f '{{.Name}}' "$c" "$P-db"
    same inspect -f '{{.ID}}' "$c"
    same inspect -f '{{.Id}}' "$c"
    same container inspect -f '{{(index .Mounts 0).Name}}' "$c"
    same image inspect -f '{{.Os}}/{{.Architecture}} {{json .Config.Cmd}}' busybox
    same volume inspect -f '{{.Name}} {{.Driver}} {{index .Labels "com.example.team"}}' "$P-vol"
}

s_lists() {
    same ps -a --filter "name=$P-" --format '{{.Names}} {{.Image}} {{.State}}'
    same ps -a --filter "name=$P-" --format 'table {{.Names}}\t{{.Image}}\t{{.State}}'
    same ps -a --filter "name=$P-" --format '{{.Names}} {{.Label "com.example.role"}}|{{.Label "tier"}}'
    same ps -a --filter "name=$P-" --format '{{json .Names}}' --no-trunc
    same ps -aq --filter "name=$P-" --no-trunc
    same images --format '{{.Repository}}:{{.Tag}} {{.ID}}' busybox
    same images --format 'table {{.Repository}}\t{{.Tag}}' busybox
    same volume ls --filter "name=$P-" --format '{{.Name}} {{.Driver}} {{.Label "com.example.team"}}'
    same volume ls -q --filter "name=$P-"
    if route_exists GET /v1.43/networks; then
        same network ls --filter name=none --format '{{.Name}} {{.Driver}} {{.Scope}}'
    fi
}

s_system() {
    same info --format '{{.ServerVersion}} {{.OSType}} {{.Containers}}'
    # Go field names where they differ from the JSON keys in case.
    same version --format '{{.Server.Version}} {{.Server.APIVersion}}'
}

section inspect s_inspect
section lists s_lists
section system s_system
sections_done
