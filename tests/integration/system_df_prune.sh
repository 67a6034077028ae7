#!/usr/bin/env bash
# system_df_prune.sh — `docker system df` and the prune commands (system,
# container, image, network, volume) with the stock docker CLI against
# berthd, then the same through the berth CLI: counts and sizes df reports
# (a container that wrote 1 MB, a volume holding 1 MB, layers two images
# share), what each prune removes and keeps, the filters, and that berth's
# output is docker's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/image_lib.sh"
. "$(dirname "$0")/container_lib.sh"
# Its networks are bridges: berthd runs in a network namespace of its own.
. "$(dirname "$0")/network_lib.sh"

nt_setup
need_route GET /v1.43/system/df "system df"
P=df$$ # name prefix
NET=(--network none)
MB=1048576

# run_done NAME ARGS... — a container run to completion: detached, then
# waited for (no attach: these tests are about what it leaves behind).
run_done() {
    local name=$1
    shift
    dk_ok run -d "${NET[@]}" --name "$name" "$@"
    dk_ok wait "$name"
}

bt() { # berth ARGS... — sets OUT and RC as dk does
    RC=0
    OUT=$("$BERTH" -H "$HOST" "$@" 2>&1) || RC=$?
}

bt_ok() {
    bt "$@"
    assert_eq 0 "$RC" "exit status of 'berth $*' (output: $OUT)"
}

# The /system/df document, evaluated with json_eval.
df_eval() {
    api GET /v1.44/system/df
    assert_status 200 "GET /system/df"
    json_eval "$1" <<<"$HTTP_BODY"
}

# df -v text with its ages made equal and columns collapsed, so two runs a
# second apart compare equal.
df_normal() {
    sed -E 's/(Less than a second|About a minute|About an hour|[0-9]+ (seconds|minutes|hours)) ago/AGE/g; s/ +/ /g' <<<"$1"
}

s_df_counts_and_sizes() {
    # A second image of the same layer (shared bytes), a running container,
    # a stopped one that wrote 1 MB, and a named volume holding 1 MB.
    import_busybox "$P-spare:v1"
    dk_ok run -d "${NET[@]}" --name "$P-run" busybox sleep 300
    run_done "$P-writer" busybox dd if=/dev/zero of=/big bs=1M count=1
    dk_ok volume create "$P-vol"
    run_done "$P-fill" -v "$P-vol:/data" busybox dd if=/dev/zero of=/data/f bs=1M count=1
    dk_ok rm "$P-fill"

    assert_eq 2 "$(df_eval 'len(d["Images"])')" "/system/df Images"
    assert_eq 2 "$(df_eval 'len(d["Containers"])')" "/system/df Containers"
    assert_eq true "$(df_eval 'd["LayersSize"] > 0')" "/system/df LayersSize is counted"
    assert_eq '[2, 0]' "$(df_eval 'sorted([i["Containers"] for i in d["Images"]], reverse=True)')" \
        "image Containers: busybox used by both containers, the spare by none"
    # Both images are one layer: all of it is shared.
    assert_eq true "$(df_eval 'all(i["SharedSize"] == i["Size"] > 0 for i in d["Images"])')" \
        "SharedSize of two images with the same layer"
    assert_eq true "$(df_eval "[c for c in d['Containers'] if c['Names'] == ['/$P-writer']][0]['SizeRw'] >= $MB")" \
        "SizeRw of a container that wrote 1 MB"
    assert_eq true "$(df_eval "[c for c in d['Containers'] if c['Names'] == ['/$P-writer']][0]['SizeRootFs'] > $MB")" \
        "SizeRootFs of a container that wrote 1 MB"
    assert_eq "$MB 0" "$(df_eval "' '.join(str(v['UsageData'][k]) for v in d['Volumes'] if v['Name'] == '$P-vol' for k in ('Size', 'RefCount'))")" \
        "UsageData of a volume holding 1 MB that no container uses"
    api GET '/v1.44/system/df?type=container'
    assert_status 200 "GET /system/df?type=container"
    assert_eq null "$(json_eval 'd["Volumes"]' <<<"$HTTP_BODY")" "type=container leaves the volumes out"
    api GET '/v1.44/system/df?type=nonsense'
    assert_status 400 "GET /system/df?type=nonsense"

    # The docker CLI's view of it.
    dk_ok system df --format '{{.Type}} {{.TotalCount}} {{.Active}}'
    assert_eq "Images 2 1
Containers 2 1
Local Volumes 1 0
Build Cache 0 0" "$OUT" "docker system df counts"
    dk_ok system df -v
    assert_match "$OUT" "$P-writer\$" "docker system df -v lists the writer"
    assert_match "$(grep -- "$P-writer" <<<"$OUT")" ' 1\.0[4-9]MB ' "docker system df -v: the writer's size"
    assert_match "$(grep -- "^$P-vol " <<<"$OUT")" '^'"$P-vol"' +0 +1\.049MB$' "docker system df -v: the volume"

    # berth prints what docker prints.
    local want
    dk_ok system df
    want=$OUT
    bt_ok system df
    assert_eq "$want" "$OUT" "berth system df against docker system df"
    dk_ok system df --format '{{json .}}'
    want=$OUT
    bt_ok system df --format '{{json .}}'
    assert_eq "$want" "$OUT" "berth system df --format '{{json .}}'"
    dk_ok system df -v
    want=$(df_normal "$OUT")
    bt_ok system df -v
    assert_eq "$want" "$(df_normal "$OUT")" "berth system df -v against docker's"
}

s_system_prune() {
    dk_ok run -d "${NET[@]}" --name "$P-keep" busybox sleep 300
    run_done "$P-gone" busybox true
    dk_ok network create "$P-net"
    dk_ok volume create "$P-named"
    dk_ok create "${NET[@]}" -v /anon --name "$P-anon" busybox true
    local anon
    anon=$(ci '{{(index .Mounts 0).Name}}' "$P-anon")
    dk_ok rm "$P-anon" # without -v: the anonymous volume stays, unused
    import_busybox "$P-unused:v1"
    # In two repositories: by ID alone dockerd would refuse it (conflict).
    dk_ok tag "$P-unused:v1" "$P-two/unused:v2"

    dk_ok system prune -f
    assert_contains "$OUT" "Deleted Containers:" "docker system prune -f output"
    assert_contains "$OUT" "Deleted Networks:
$P-net" "docker system prune -f output"
    assert_match "$OUT" '^Total reclaimed space: ' "docker system prune -f output"
    dk_ok ps -a --format '{{.Names}}'
    assert_contains "$OUT" "$P-keep" "the running container stays"
    assert_not_contains "$OUT" "$P-gone" "the stopped container goes"
    dk network inspect "$P-net"
    assert_eq 1 "$RC" "the unused network goes"
    dk_ok image inspect busybox:latest "$P-unused:v1"
    dk_ok volume inspect "$P-named" "$anon"

    dk_ok system prune -f --volumes
    dk volume inspect "$anon"
    assert_eq 1 "$RC" "--volumes removes an unused anonymous volume"
    dk_ok volume inspect "$P-named"

    dk_ok system prune -af
    assert_contains "$OUT" "untagged: $P-unused:v1" "docker system prune -a output"
    assert_contains "$OUT" "untagged: $P-two/unused:v2" "docker system prune -a output"
    assert_match "$OUT" '^deleted: sha256:[0-9a-f]{64}$' "docker system prune -a output"
    dk image inspect "$P-unused:v1"
    assert_eq 1 "$RC" "-a removes an unused tagged image"
    dk image inspect "$P-two/unused:v2"
    assert_eq 1 "$RC" "-a removes an unused image tagged in two repositories"
    dk_ok image inspect busybox:latest
}

s_prune_filters() {
    run_done "$P-lab" --label x=y busybox true
    run_done "$P-other" --label x=z busybox true
    dk_ok container prune --filter label=x=y -f
    local id
    assert_match "$OUT" '^[0-9a-f]{64}$' "container prune prints the deleted ID"
    dk_ok ps -a --format '{{.Names}}'
    assert_not_contains "$OUT" "$P-lab" "container prune --filter label=x=y removes the labelled one"
    assert_contains "$OUT" "$P-other" "container prune --filter label=x=y keeps the other"
    dk_ok container prune --filter until=1h -f
    dk_ok ps -a --format '{{.Names}}'
    assert_contains "$OUT" "$P-other" "until=1h keeps a container made just now"
    dk_ok container prune --filter 'label!=x=z' -f
    dk_ok ps -a --format '{{.Names}}'
    assert_contains "$OUT" "$P-other" "label!=x=z keeps the one labelled x=z"
    dk container prune --filter nosuch=1 -f
    assert_ne 0 "$RC" "an unknown prune filter is refused"
    assert_contains "$OUT" "invalid filter 'nosuch'" "an unknown prune filter"
    dk_ok image prune --filter until=24h -f
    dk_ok network prune --filter until=1h -f
    dk_ok volume prune -a --filter label=nosuch -f
    id=$(docker ps -aq --filter "name=$P-other")
    dk_ok container prune -f
    assert_contains "$OUT" "Deleted Containers:
$id" "container prune output"
    assert_match "$OUT" '^Total reclaimed space: ' "container prune output"
}

s_berth_cli() {
    bt_ok run -d "${NET[@]}" --name "$P-bkeep" busybox sleep 300
    run_done "$P-bgone" busybox true
    bt_ok network create "$P-bnet"
    bt_ok system prune -f
    assert_contains "$OUT" "Deleted Networks:
$P-bnet" "berth system prune -f output"
    assert_match "$OUT" '^Total reclaimed space: ' "berth system prune -f output"
    dk_ok ps -a --format '{{.Names}}'
    assert_contains "$OUT" "$P-bkeep" "berth system prune keeps the running container"
    assert_not_contains "$OUT" "$P-bgone" "berth system prune removes the stopped container"
    # The prompt, answered no: nothing goes.
    run_done "$P-bstay" busybox true
    OUT=$(echo n | "$BERTH" -H "$HOST" system prune 2>&1) && fail "berth system prune answered n succeeded"
    assert_contains "$OUT" "WARNING! This will remove:
  - all stopped containers" "berth system prune prompt"
    dk_ok ps -a --format '{{.Names}}'
    assert_contains "$OUT" "$P-bstay" "a cancelled prune removes nothing"
    bt_ok container prune -f --filter label=nosuch=1
    assert_eq "Total reclaimed space: 0B" "$OUT" "berth container prune with a filter nothing matches"
    bt_ok system info
    assert_contains "$OUT" "Storage Driver" "berth system info"
}

section df-counts-and-sizes s_df_counts_and_sizes
section system-prune s_system_prune
section prune-filters s_prune_filters
section berth-cli s_berth_cli
sections_done
