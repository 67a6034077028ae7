# shellcheck shell=bash
# docker_cli_checks.sh — the docker CLI's side of the compatibility suite:
# every command engine-api.md describes that berthd serves, run through a
# real docker binary, with its OUTPUT checked (not only its exit status).
# Sourced by suite.sh; `cli_checks CLIENT` runs them all for the `docker`
# first on PATH, labelled CLIENT in the results.
#
# Needs from suite.sh: a berthd in the test's network namespace (bridge
# networking, embedded DNS), busybox:latest imported, $REGISTRY on
# 127.0.0.1 inside that namespace.

# Names are prefixed per client so the stock CLI and docker.io runs never
# see each other's objects.
_cli_prefix() { CP=cc-$1; }

# --- system -------------------------------------------------------------------

c_version() {
    dk_ok version --format '{{.Server.APIVersion}} {{.Server.Os}} {{.Server.Version}}'
    assert_match "$OUT" '^1\.[0-9]+ linux [0-9]' "docker version: server API version, OS and version"
    [ -z "${BERTH_VERSION:-}" ] || assert_contains "$OUT" "$BERTH_VERSION" "docker version: server version"
}

c_ping() {
    # The CLI pings (HEAD /_ping) before its first request and negotiates
    # down to the Api-Version header it finds there.
    local server client
    server=$(curl -sfI --max-time 5 --unix-socket "$SOCK" http://berth/_ping | tr -d '\r' |
        sed -n 's/^[Aa]pi-[Vv]ersion: *//p')
    assert_match "$server" '^1\.[0-9]+$' "Api-Version header of HEAD /_ping"
    dk_ok version --format '{{.Client.APIVersion}}'
    # An older client keeps its own (lower) maximum; a newer one comes down.
    case "$OUT" in
    "$server") ;;
    *) awk -v c="$OUT" -v s="$server" 'BEGIN { split(c, a, "."); split(s, b, "."); exit !(a[2] < b[2]) }' ||
        fail "client API version $OUT neither equals the server's $server nor is below it" ;;
    esac
}

c_info() {
    dk_ok info --format '{{.Driver}}|{{.OSType}}|{{.Containers}}|{{.Images}}|{{.DockerRootDir}}'
    assert_match "$OUT" '^overlay2\|linux\|[0-9]+\|[1-9][0-9]*\|/' "docker info: driver, OS, counts, root dir"
    dk_ok info
    assert_match "$OUT" 'Storage Driver: overlay2' "docker info (text)"
}

c_events() {
    local t0 id
    t0=$(date +%s.%N)
    dk_ok run --name "$CP-ev" --label compat=events busybox true
    id=$(docker inspect --format '{{.Id}}' "$CP-ev")
    dk_ok rm "$CP-ev"
    dk_ok events --since "$t0" --until "$(date +%s.%N)" --filter "container=$CP-ev" --format '{{.Action}}'
    assert_eq "create
start
die
destroy" "$(grep -v '^attach$' <<<"$OUT")" "docker events: the container's actions in order"
    dk_ok events --since "$t0" --until "$(date +%s.%N)" --filter label=compat=events --filter event=die
    assert_match "$OUT" "^[0-9T:.-]+(Z|[+-][0-9:]+) container die $id \(compat=events, execDuration=[0-9]+, exitCode=0, image=busybox, name=$CP-ev\)$" \
        "docker events: default line with sorted attributes"
}

c_system_df() {
    # A stopped container that wrote 100 kB: its row in -v shows it.
    dk_ok run --name "$CP-df" busybox sh -c 'head -c 100000 /dev/zero > /f'
    dk_ok system df --format '{{.Type}} {{.TotalCount}}'
    local got=$OUT want
    want="Images $(docker images -q | sort -u | wc -l)
Containers $(docker ps -aq | wc -l)
Local Volumes $(docker volume ls -q | wc -l)
Build Cache 0"
    dk_ok system df -v
    local row
    row=$(grep -- " $CP-df\$" <<<"$OUT" || true)
    dk_ok rm "$CP-df"
    assert_eq "$want" "$got" "docker system df counts against docker images, ps -a and volume ls"
    assert_match "$row" ' 10[0-9](\.[0-9])?kB ' "docker system df -v: the size of a container that wrote 100 kB"
}

c_system_prune() {
    # Everything labelled, and pruned by that label: other checks' objects
    # on this daemon are left alone.
    local l="compat-prune=$CP" gone
    dk_ok run --name "$CP-sp-gone" --label "$l" busybox true
    gone=$(docker inspect --format '{{.Id}}' "$CP-sp-gone")
    dk_ok run -d --name "$CP-sp-keep" --label "$l" busybox sleep 300
    dk_ok network create --label "$l" "$CP-sp-net"
    dk_ok system prune -f --filter "label=$l"
    local out=$OUT
    dk_ok inspect --format '{{.State.Status}}' "$CP-sp-keep"
    local keep=$OUT
    dk_ok rm -f "$CP-sp-keep"
    assert_contains "$out" "Deleted Containers:
$gone
" "docker system prune lists the stopped container"
    assert_contains "$out" "Deleted Networks:
$CP-sp-net
" "docker system prune lists the unused network"
    assert_match "$out" '^Total reclaimed space: [0-9.]+k?B$' "docker system prune's total"
    assert_eq running "$keep" "docker system prune keeps the running container"
}

# --- images -------------------------------------------------------------------

c_images_ls() {
    dk_ok images --format '{{.Repository}}:{{.Tag}} {{.ID}}' busybox
    assert_match "$OUT" '^busybox:latest [0-9a-f]{12}$' "docker images busybox"
}

c_tag() {
    dk_ok tag busybox:latest "$CP-tag:v1"
    dk_ok images --format '{{.Repository}}:{{.Tag}}' "$CP-tag"
    assert_eq "$CP-tag:v1" "$OUT" "docker images after tag"
    assert_eq "$(inspect '{{.Id}}' busybox:latest)" "$(inspect '{{.Id}}' "$CP-tag:v1")" \
        "the tag names the same image"
}

c_rmi() {
    dk_ok tag busybox:latest "$CP-rmi:v1"
    dk_ok rmi "$CP-rmi:v1"
    assert_eq "Untagged: $CP-rmi:v1" "$OUT" "docker rmi of one of two tags only untags"
    dk image inspect "$CP-rmi:v1"
    assert_ne 0 "$RC" "image inspect after rmi"
    assert_contains "$OUT" "No such image" "image inspect after rmi"
    inspect '{{.Id}}' busybox:latest >/dev/null
    # The last tag of an image: untagged and deleted.
    dk_ok import "$T/busybox.tar" "$CP-rmi:solo"
    local id=$OUT
    dk_ok rmi "$CP-rmi:solo"
    assert_contains "$OUT" "Untagged: $CP-rmi:solo" "docker rmi of the last tag"
    assert_contains "$OUT" "Deleted: $id" "docker rmi of the last tag deletes the image"
    dk rmi "$CP-rmi:never"
    assert_eq 1 "$RC" "docker rmi of an unknown image"
    assert_contains "$OUT" "No such image" "docker rmi of an unknown image"
}

c_image_inspect() {
    dk_ok image inspect --format '{{.Os}}/{{.Architecture}} {{json .Config.Cmd}} {{.RootFS.Type}} {{len .RootFS.Layers}}' busybox
    assert_eq 'linux/amd64 ["sh"] layers 1' "$OUT" "image inspect fields"
    dk_ok inspect --type image --format '{{index .RepoTags 0}}' busybox
    assert_eq busybox:latest "$OUT" "docker inspect --type image"
}

c_history() {
    dk_ok history --no-trunc --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}' busybox
    local id
    id=$(inspect '{{.Id}}' busybox)
    assert_contains "$OUT" "$id|" "history's newest row is the image ID"
    assert_match "$OUT" '\|[0-9.]+[kM]B$' "history shows the layer's size"
}

c_save_load() {
    local f=$T/$CP-save.tar id
    id=$(inspect '{{.Id}}' busybox)
    dk_ok tag busybox "$CP-saved:1"
    dk_ok save -o "$f" "$CP-saved:1"
    # Not grep -q: it quits at the first match and, under pipefail, tar's
    # SIGPIPE would fail the pipeline (a flaky "no manifest.json").
    tar -tf "$f" | grep -x manifest.json >/dev/null || fail "docker save: no manifest.json in the tar"
    dk_ok rmi "$CP-saved:1"
    dk_ok load -i "$f"
    assert_contains "$OUT" "Loaded image: $CP-saved:1" "docker load output"
    assert_eq "$id" "$(inspect '{{.Id}}' "$CP-saved:1")" "the loaded image has the saved ID"
    dk_ok rmi "$CP-saved:1"
}

c_import() {
    [ -f "$T/busybox.tar" ] || busybox_tar "$T/busybox.tar"
    dk_ok import --change 'CMD ["echo", "imported"]' \
        --change 'ENV PATH=/bin' "$T/busybox.tar" "$CP-imported:1"
    assert_match "$OUT" '^sha256:[0-9a-f]{64}$' "docker import prints the image ID"
    dk_ok run --rm "$CP-imported:1"
    assert_eq imported "$OUT" "running the imported image's CMD"
}

c_push_pull() {
    local ref=$REGISTRY/$CP/busybox:1 id
    id=$(inspect '{{.Id}}' busybox)
    dk_ok tag busybox "$ref"
    dk_ok push "$ref"
    assert_match "$OUT" '^1: digest: sha256:[0-9a-f]{64} size: [0-9]+' "docker push summary line"
    assert_match "$OUT" '(Pushed|Layer already exists)' "docker push layer lines"
    dk_ok rmi "$ref"
    dk_ok pull "$ref"
    assert_contains "$OUT" "Status: Downloaded newer image for $ref" "docker pull status"
    assert_match "$OUT" 'Digest: sha256:[0-9a-f]{64}' "docker pull digest line"
    assert_eq "$id" "$(inspect '{{.Id}}' "$ref")" "the pulled image has the pushed ID"
    dk_ok image inspect --format '{{index .RepoDigests 0}}' "$ref"
    assert_match "$OUT" "^$REGISTRY/$CP/busybox@sha256:" "RepoDigests after pull"
    dk_ok pull "$ref"
    assert_contains "$OUT" "Image is up to date for $ref" "second docker pull"
    dk_ok rmi "$ref"
}

c_build() {
    local ctx=$T/$CP-ctx
    mkdir -p "$ctx"
    echo "from the context" >"$ctx/payload.txt"
    cat >"$ctx/Dockerfile" <<'EOF'
FROM busybox
ARG GREETING=unset
RUN echo "built with $GREETING" > /built.txt
COPY payload.txt /payload.txt
CMD ["cat", "/built.txt", "/payload.txt"]
EOF
    RC=0
    OUT=$(DOCKER_BUILDKIT=0 timeout 120 docker build --build-arg GREETING=hi -t "$CP-built:1" "$ctx" 2>&1) || RC=$?
    assert_eq 0 "$RC" "exit status of docker build (output: $OUT)"
    assert_match "$OUT" '^Step 1/5 : FROM busybox' "docker build step lines"
    assert_match "$OUT" '^Successfully built [0-9a-f]{12}$' "docker build summary"
    assert_contains "$OUT" "Successfully tagged $CP-built:1" "docker build tag line"
    dk_ok run --rm "$CP-built:1"
    assert_eq "built with hi
from the context" "$OUT" "running the built image"
}

c_image_prune() {
    # An untagged (dangling) image: tag a fresh import, then take the tag away
    # by importing again under the same name.
    [ -f "$T/busybox.tar" ] || busybox_tar "$T/busybox.tar"
    dk_ok import --change 'LABEL round=1' "$T/busybox.tar" "$CP-dangle:1"
    local first=$OUT
    dk_ok import --change 'LABEL round=2' "$T/busybox.tar" "$CP-dangle:1"
    dk_ok image prune -f
    assert_contains "$OUT" "deleted: $first" "docker image prune deletes the dangling image"
    assert_match "$OUT" '^Total reclaimed space: ' "docker image prune total"
    dk image inspect "$first"
    assert_ne 0 "$RC" "the pruned image is gone"
    dk_ok rmi "$CP-dangle:1"
}

# --- containers -----------------------------------------------------------------

c_run_attached() {
    dk_ok run --rm busybox echo hello from run
    assert_eq "hello from run" "$OUT" "docker run output"
    dk run --rm busybox sh -c 'echo to-stderr >&2; exit 3'
    assert_eq 3 "$RC" "docker run passes the exit status on"
    assert_eq to-stderr "$OUT" "docker run stderr"
    dk run --rm busybox no-such-binary
    assert_eq 127 "$RC" "docker run of a missing executable (output: $OUT)"
    dk run --rm -e GREETING=hey -w /tmp busybox sh -c 'echo $GREETING $(pwd)'
    assert_eq "hey /tmp" "$OUT" "docker run -e -w"
}

c_lifecycle() {
    local c=$CP-life
    dk_ok create --name "$c" busybox sleep 300
    assert_match "$OUT" '^[0-9a-f]{64}$' "docker create prints the ID"
    assert_eq created "$(ci '{{.State.Status}}' "$c")" "state after create"
    dk_ok start "$c"
    assert_eq "$c" "$OUT" "docker start echoes the name"
    assert_eq running "$(ci '{{.State.Status}}' "$c")" "state after start"
    dk_ok ps --filter "name=$c" --format '{{.Names}}|{{.Image}}|{{.Status}}'
    assert_match "$OUT" "^$c\|busybox\|Up " "docker ps row"
    dk_ok pause "$c"
    assert_eq paused "$(ci '{{.State.Status}}' "$c")" "state after pause"
    dk_ok ps --filter "name=$c" --format '{{.Status}}'
    assert_contains "$OUT" "(Paused)" "docker ps of a paused container"
    dk_ok unpause "$c"
    assert_eq running "$(ci '{{.State.Status}}' "$c")" "state after unpause"
    local pid1 pid2
    pid1=$(ci '{{.State.Pid}}' "$c")
    dk_ok restart -t 1 "$c"
    pid2=$(ci '{{.State.Pid}}' "$c")
    assert_ne "$pid1" "$pid2" "docker restart gives a new process"
    dk_ok stop -t 1 "$c"
    assert_eq exited "$(ci '{{.State.Status}}' "$c")" "state after stop"
    dk_ok start "$c"
    dk_ok kill "$c"
    wait_status "$c" exited
    assert_eq 137 "$(ci '{{.State.ExitCode}}' "$c")" "exit code after docker kill (SIGKILL)"
    dk_ok ps -a --filter "name=$c" --format '{{.Status}}'
    assert_match "$OUT" '^Exited \(137\) ' "docker ps -a status text"
    dk_ok rm "$c"
    assert_eq "$c" "$OUT" "docker rm echoes the name"
    dk container inspect "$c"
    assert_contains "$OUT" "No such container" "inspect after rm"
}

c_rm_running() {
    local c=$CP-rmf
    dk_ok run -d --name "$c" busybox sleep 300
    dk rm "$c"
    assert_eq 1 "$RC" "docker rm of a running container"
    assert_icontains "$OUT" "stop the container before removing or force remove" "docker rm of a running container"
    dk_ok rm -f "$c"
}

c_logs() {
    local c=$CP-logs
    dk_ok run -d --name "$c" busybox sh -c 'echo line-err >&2; sleep 0.3; echo line-one; echo line-two'
    dk_ok wait "$c"
    RC=0
    local out err
    out=$(docker logs "$c" 2>"$T/$c.err") || RC=$?
    err=$(cat "$T/$c.err")
    assert_eq 0 "$RC" "docker logs exit status"
    assert_eq "line-one
line-two" "$out" "docker logs stdout"
    assert_eq line-err "$err" "docker logs stderr"
    dk_ok logs --tail 1 "$c"
    assert_eq line-two "$OUT" "docker logs --tail 1"
    dk_ok logs -t "$c"
    assert_match "$OUT" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z line-one$' "docker logs -t"
    dk_ok rm "$c"
}

c_exec() {
    local c=$CP-exec
    dk_ok run -d --name "$c" --hostname exechost busybox sleep 300
    wait_status "$c" running
    dk_ok exec "$c" cat /etc/hostname
    assert_eq exechost "$OUT" "docker exec output"
    dk exec "$c" sh -c 'exit 5'
    assert_eq 5 "$RC" "docker exec exit status"
    dk_ok exec -e X=42 -w /etc "$c" sh -c 'echo $X $(pwd)'
    assert_eq "42 /etc" "$OUT" "docker exec -e -w"
    RC=0
    OUT=$(echo piped-in | timeout 30 docker exec -i "$c" cat 2>&1) || RC=$?
    assert_eq 0 "$RC" "docker exec -i exit status ($OUT)"
    assert_eq piped-in "$OUT" "docker exec -i passes stdin"
    dk_ok exec -d "$c" sh -c 'echo detached > /tmp/d'
    wait_until 10 "the detached exec to write /tmp/d" docker exec "$c" test -f /tmp/d
    dk_ok rm -f "$c"
}

c_attach() {
    local c=$CP-attach
    dk_ok run -d -i --name "$c" busybox sh -c 'read line; echo got:$line'
    wait_status "$c" running
    RC=0
    OUT=$(echo hello | timeout 30 docker attach "$c" 2>&1) || RC=$?
    assert_eq 0 "$RC" "docker attach exit status ($OUT)"
    assert_eq got:hello "$OUT" "docker attach: stdin in, stdout out"
    wait_status "$c" exited
    dk_ok rm "$c"
}

c_cp() {
    local c=$CP-cp
    dk_ok run -d --name "$c" busybox sh -c 'echo inside > /tmp/in.txt; mkdir -p /tmp/dir/sub; echo deep > /tmp/dir/sub/f; sleep 300'
    wait_until 10 "/tmp/in.txt to exist" docker exec "$c" test -f /tmp/dir/sub/f
    echo outside >"$T/$c-out.txt"
    dk_ok cp "$T/$c-out.txt" "$c:/tmp/"
    dk_ok exec "$c" cat /tmp/"$c"-out.txt
    assert_eq outside "$OUT" "file copied into the container"
    dk_ok cp "$c:/tmp/in.txt" "$T/$c-back.txt"
    assert_eq inside "$(cat "$T/$c-back.txt")" "file copied out of the container"
    dk_ok cp "$c:/tmp/dir" "$T/$c-dir"
    assert_eq deep "$(cat "$T/$c-dir/sub/f")" "directory copied out recursively"
    dk cp "$c:/no/such/file" "$T/"
    assert_ne 0 "$RC" "docker cp of a missing path"
    # dockerd's wording: "Could not find the file /no/such/file in container X".
    assert_icontains "$OUT" "could not find the file /no/such/file" "docker cp of a missing path"
    dk_ok rm -f "$c"
}

c_top() {
    local c=$CP-top
    dk_ok run -d --name "$c" busybox sleep 313
    wait_status "$c" running
    dk_ok top "$c"
    assert_match "$OUT" '^UID +PID +PPID' "docker top titles"
    assert_contains "$OUT" "sleep 313" "docker top lists the process"
    dk_ok rm -f "$c"
}

c_stats() {
    local c=$CP-stats
    dk_ok run -d --name "$c" busybox sleep 300
    wait_status "$c" running
    RC=0
    OUT=$(timeout 30 docker stats --no-stream --format '{{.Name}}|{{.MemUsage}}|{{.PIDs}}' "$c" 2>&1) || RC=$?
    assert_eq 0 "$RC" "docker stats --no-stream exit status ($OUT)"
    assert_match "$OUT" "^$c\|[0-9.]+[KMG]i?B / [0-9.]+[KMGT]i?B\|1$" "docker stats row"
    dk_ok rm -f "$c"
}

c_port() {
    local c=$CP-port port
    port=$(nsx python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    dk_ok run -d --name "$c" -p "127.0.0.1:$port:8080" busybox sh -c 'echo port-ok > /i.html; httpd -f -p 8080 -h /'
    wait_status "$c" running
    dk_ok port "$c"
    assert_eq "8080/tcp -> 127.0.0.1:$port" "$OUT" "docker port"
    wait_until 15 "127.0.0.1:$port to answer" nsx curl -fsS --max-time 2 "http://127.0.0.1:$port/i.html"
    assert_eq port-ok "$(nt_curl "http://127.0.0.1:$port/i.html" "the published port")" "page on the published port"
    dk_ok ps --filter "name=$c" --format '{{.Ports}}'
    assert_eq "127.0.0.1:$port->8080/tcp" "$OUT" "docker ps PORTS column"
    dk_ok rm -f "$c"
}

c_rename() {
    local c=$CP-ren
    dk_ok create --name "$c" busybox true
    dk_ok rename "$c" "$c-new"
    assert_eq "/$c-new" "$(ci '{{.Name}}' "$c-new")" "name after rename"
    dk container inspect "$c"
    assert_ne 0 "$RC" "the old name is gone"
    dk_ok create --name "$c-other" busybox true
    dk rename "$c-other" "$c-new"
    assert_ne 0 "$RC" "renaming onto a name in use"
    assert_icontains "$OUT" "already in use" "renaming onto a name in use"
    dk_ok rm "$c-new" "$c-other"
}

c_wait() {
    local c=$CP-wait
    dk_ok run -d --name "$c" busybox sh -c 'sleep 1; exit 7'
    RC=0
    OUT=$(timeout 30 docker wait "$c" 2>&1) || RC=$?
    assert_eq 0 "$RC" "docker wait exit status"
    assert_eq 7 "$OUT" "docker wait prints the exit code"
    dk_ok rm "$c"
}

c_container_prune() {
    local c=$CP-prune keep=$CP-keep id
    dk_ok run --name "$c" busybox true
    id=$(ci '{{.Id}}' "$c")
    dk_ok run -d --name "$keep" busybox sleep 300
    dk_ok container prune -f
    assert_contains "$OUT" "Deleted Containers:" "docker container prune heading"
    assert_contains "$OUT" "$id" "docker container prune lists the stopped container"
    dk container inspect "$c"
    assert_ne 0 "$RC" "the pruned container is gone"
    assert_eq running "$(ci '{{.State.Status}}' "$keep")" "prune keeps running containers"
    dk_ok rm -f "$keep"
}

c_inspect_container() {
    local c=$CP-insp
    dk_ok create --name "$c" -l team=compat --restart on-failure:2 busybox echo x
    dk_ok inspect --format '{{.Name}}|{{.Config.Labels.team}}|{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}|{{json .Config.Cmd}}' "$c"
    assert_eq "/$c|compat|on-failure:2|[\"echo\",\"x\"]" "$OUT" "docker inspect of a container"
    dk_ok rm "$c"
}

c_diff_export() {
    local c=$CP-diff
    dk_ok run --name "$c" busybox sh -c 'echo new > /added.txt'
    dk_ok diff "$c"
    assert_match "$OUT" '^A /added.txt$' "docker diff"
    dk_ok export -o "$T/$c.tar" "$c"
    tar -xOf "$T/$c.tar" added.txt >"$T/$c.added" || fail "docker export: no added.txt in the tar"
    assert_eq new "$(cat "$T/$c.added")" "docker export content"
    dk_ok rm "$c"
}

# --- volumes --------------------------------------------------------------------

c_volumes() {
    local v=$CP-vol
    dk_ok volume create --label purpose=compat "$v"
    assert_eq "$v" "$OUT" "docker volume create echoes the name"
    dk_ok volume ls --format '{{.Driver}} {{.Name}}'
    assert_contains "$OUT" "local $v" "docker volume ls"
    dk_ok volume inspect --format '{{.Driver}}|{{.Labels.purpose}}|{{.Mountpoint}}' "$v"
    assert_match "$OUT" '^local\|compat\|/' "docker volume inspect"
    dk_ok run --rm -v "$v:/data" busybox sh -c 'echo kept > /data/f'
    dk_ok run --rm -v "$v:/data:ro" busybox cat /data/f
    assert_eq kept "$OUT" "data survives in the named volume"
    dk_ok run -d --name "$v-user" -v "$v:/data" busybox sleep 300
    dk volume rm "$v"
    assert_ne 0 "$RC" "volume rm of a volume in use"
    assert_icontains "$OUT" "in use" "volume rm of a volume in use"
    dk_ok rm -f "$v-user"
    dk_ok volume rm "$v"
    assert_eq "$v" "$OUT" "docker volume rm echoes the name"
    dk volume inspect "$v"
    assert_ne 0 "$RC" "volume gone after rm"
}

c_volume_prune() {
    local v=$CP-volp
    dk_ok volume create "$v"
    # Named volumes go only with -a (API 1.42+); an older client (docker.io
    # 20.10, API 1.41) has no -a and its prune takes every unused volume.
    local all=()
    docker volume prune --help 2>&1 | grep -- '--all' >/dev/null && all=(-a)
    dk_ok volume prune "${all[@]}" -f
    assert_contains "$OUT" "$v" "docker volume prune lists the unused volume"
    dk volume inspect "$v"
    assert_ne 0 "$RC" "the pruned volume is gone"
}

# --- networks -------------------------------------------------------------------

c_networks() {
    local n=$CP-net
    dk_ok network create --subnet 10.77.${CP_NET_OCTET:-1}.0/24 "$n"
    assert_match "$OUT" '^[0-9a-f]{64}$' "docker network create prints the ID"
    dk_ok network ls --format '{{.Name}} {{.Driver}}'
    assert_contains "$OUT" "$n bridge" "docker network ls"
    for predefined in bridge host none; do
        assert_contains "$OUT" "$predefined " "docker network ls lists $predefined"
    done
    dk_ok network inspect --format '{{(index .IPAM.Config 0).Subnet}}|{{.Driver}}' "$n"
    assert_eq "10.77.${CP_NET_OCTET:-1}.0/24|bridge" "$OUT" "docker network inspect"
    dk_ok run -d --name "$n-a" --network "$n" busybox sleep 300
    dk_ok run -d --name "$n-b" --network "$n" busybox sleep 300
    wait_status "$n-a" running
    wait_status "$n-b" running
    local ip_b
    ip_b=$(ctr_ip "$n-b" "$n")
    assert_match "$ip_b" "^10\.77\.${CP_NET_OCTET:-1}\." "address on the user network"
    dk_ok exec "$n-a" nslookup "$n-b"
    assert_contains "$OUT" "$ip_b" "embedded DNS resolves a container by name"
    dk_ok run -d --name "$n-c" busybox sleep 300
    dk_ok network connect "$n" "$n-c"
    dk_ok network inspect --format '{{range .Containers}}{{.Name}} {{end}}' "$n"
    assert_contains "$OUT" "$n-c" "network inspect after connect"
    dk_ok exec "$n-c" ping -c1 -W2 "$(ctr_ip "$n-a" "$n")"
    dk_ok network disconnect "$n" "$n-c"
    dk_ok network inspect --format '{{range .Containers}}{{.Name}} {{end}}' "$n"
    assert_not_contains "$OUT" "$n-c" "network inspect after disconnect"
    dk network rm "$n"
    assert_ne 0 "$RC" "network rm with containers attached"
    dk_ok rm -f "$n-a" "$n-b" "$n-c"
    dk_ok network rm "$n"
    assert_eq "$n" "$OUT" "docker network rm echoes the name"
}

c_network_dns_after_connect() {
    local n=$CP-netc
    dk_ok network create "$n"
    dk_ok run -d --name "$n-a" --network "$n" busybox sleep 300
    dk_ok run -d --name "$n-late" busybox sleep 300
    wait_status "$n-late" running
    dk_ok exec "$n-late" cat /etc/resolv.conf
    assert_not_contains "$OUT" "nameserver 127.0.0.11" "resolv.conf on the default bridge"
    # dockerd starts the embedded DNS for a container when it joins its
    # first user network, connect included (resolv.conf -> 127.0.0.11).
    dk_ok network connect "$n" "$n-late"
    dk_ok exec "$n-late" cat /etc/resolv.conf
    assert_contains "$OUT" "nameserver 127.0.0.11" "resolv.conf after network connect"
    dk_ok exec "$n-late" ping -c1 -W2 "$n-a"
    # Connected while created, before its first start.
    dk_ok create --name "$n-cold" busybox sleep 300
    dk_ok network connect "$n" "$n-cold"
    dk_ok start "$n-cold"
    dk_ok exec "$n-cold" ping -c1 -W2 "$n-a"
    dk_ok rm -f "$n-a" "$n-late" "$n-cold"
    dk_ok network rm "$n"
}

c_network_prune() {
    local n=$CP-netp
    dk_ok network create "$n"
    dk_ok network prune -f
    assert_contains "$OUT" "$n" "docker network prune lists the unused network"
    dk network inspect "$n"
    assert_ne 0 "$RC" "the pruned network is gone"
    dk_ok network ls --format '{{.Name}}'
    assert_contains "$OUT" bridge "prune keeps the predefined networks"
}

c_authz() {
    # AUTHZ_HOST: suite.sh's second berthd, where root may only GET.
    dk_ok -H "$AUTHZ_HOST" ps
    assert_match "$OUT" '^CONTAINER ID +IMAGE' "docker ps through authz-policy prints the table"
    dk -H "$AUTHZ_HOST" rm "$CP-authz"
    assert_eq 1 "$RC" "exit status of a denied docker rm"
    assert_eq "Error response from daemon: authorization denied by plugin authz-policy: user uid:0 is not allowed to DELETE /containers/$CP-authz" \
        "$OUT" "docker rm denied with the plugin's message"
}

# --- the whole list -------------------------------------------------------------

cli_checks() { # CLIENT
    local cl=$1
    _cli_prefix "$cl"
    check "$cl" "system: version" "server version, API version, OS" c_version
    check "$cl" "system: ping" "HEAD /_ping drives the API negotiation" c_ping
    check "$cl" "system: info" "driver, OS, counts" c_info
    check "$cl" "system: df" "counts match images/ps -a/volume ls; -v shows a container's size" c_system_df
    check "$cl" "system: events" "past events between --since and --until, filtered, in order" c_events
    check "$cl" "system: prune" "stopped container and unused network go, running one stays" c_system_prune
    check "$cl" "daemon: authorization plugins" "read-only user: ps allowed, rm denied with the plugin's message" c_authz
    check "$cl" "images: ls" "docker images with a reference filter" c_images_ls
    check "$cl" "images: tag" "new name, same ID" c_tag
    check "$cl" "images: rmi" "untag, delete, unknown" c_rmi
    check "$cl" "images: inspect" "config, rootfs, RepoTags" c_image_inspect
    check "$cl" "images: history" "rows, IDs and sizes" c_history
    check "$cl" "images: save/load" "round trip keeps the ID" c_save_load
    check "$cl" "images: import" "tar with --change, then run" c_import
    check "$cl" "images: push/pull" "local registry round trip, digests" c_push_pull
    check "$cl" "images: prune" "dangling image deleted" c_image_prune
    check "$cl" "images: build" "DOCKER_BUILDKIT=0: ARG, RUN, COPY, CMD" c_build
    check "$cl" "containers: run" "output, exit codes, -e, -w" c_run_attached
    check "$cl" "containers: lifecycle" "create/start/ps/pause/unpause/restart/stop/kill/rm" c_lifecycle
    check "$cl" "containers: lifecycle" "rm of a running container needs -f" c_rm_running
    check "$cl" "containers: inspect" "labels, restart policy, cmd" c_inspect_container
    check "$cl" "containers: logs" "stdout/stderr split, --tail, -t" c_logs
    check "$cl" "containers: exec" "output, exit code, -e/-w, -i, -d" c_exec
    check "$cl" "containers: attach" "stdin in, output out, exit" c_attach
    check "$cl" "containers: cp" "into, out of, directories, errors" c_cp
    check "$cl" "containers: top" "ps table" c_top
    check "$cl" "containers: stats --no-stream" "one row with memory and pids" c_stats
    check "$cl" "containers: port" "published port listed and answering" c_port
    check "$cl" "containers: rename" "new name, conflict" c_rename
    check "$cl" "containers: wait" "prints the exit code" c_wait
    check "$cl" "containers: prune" "stopped ones only" c_container_prune
    check "$cl" "containers: diff/export" "changes and the exported tar" c_diff_export
    check "$cl" "volumes: create/ls/inspect/rm" "labels, data kept, in-use refusal" c_volumes
    check "$cl" "volumes: prune" "unused volume deleted" c_volume_prune
    check "$cl" "networks: create/ls/inspect/connect/rm" "subnet, DNS by name, connect/disconnect" c_networks
    check "$cl" "networks: DNS after connect" "names resolve once connected" c_network_dns_after_connect
    check "$cl" "networks: prune" "unused network deleted" c_network_prune
}
