#!/usr/bin/env bash
# cli_ext_over_tls.sh — what the berth CLI now does through its extension
# module (libberth-cli-ext.so), end to end over --tlsverify against a real
# berthd: ordinary requests (DaemonClient's Asio adapter over the module's
# TLS stream), hijacked attach and exec, cp both ways (the module's tars),
# build from a directory and from a Dockerfile on stdin; then a certificate
# for another host name is refused with the module's message. Over the unix
# socket, the everyday commands run from a copy of berth without the module.
# Not here: `run -i` over TLS, whose end of stdin (a TLS close_notify) berthd
# does not pass on to the container yet; the stock docker CLI hangs the same.
IT=$(cd "$(dirname "$0")/../integration" && pwd)
. "$IT/lib.sh"
. "$IT/image_lib.sh"
. "$IT/container_lib.sh"
. "$IT/tls_lib.sh"

make_ca ca
make_cert ca server berthd serverAuth
make_cert ca client client clientAuth
port=$(free_tcp_port)
ct_setup -H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$pki/ca.pem" \
    --tlscert "$pki/server.pem" --tlskey "$pki/server-key.pem"
need_route POST /v1.43/build "builds"
P=cliext$$ # name prefix
TLS=(-H "tcp://127.0.0.1:$port" --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/client.pem"
    --tlskey "$pki/client-key.pem")

# bt ARGS... — berth over TLS; RC and OUT (stdout and stderr).
bt() {
    RC=0
    OUT=$("$BERTH" "${TLS[@]}" "$@" 2>&1) || RC=$?
}

note "an ordinary request"
bt version
assert_eq 0 "$RC" "berth version over TLS (output: $OUT)"
assert_contains "$OUT" "Server: Berth Engine" "berth version over TLS"

note "run --rm: attach over TLS"
bt run --rm --network none busybox sh -c 'echo out; echo err >&2; exit 3'
assert_eq 3 "$RC" "run --rm exit status over TLS (output: $OUT)"
assert_contains "$OUT" "out" "run stdout over TLS"
assert_contains "$OUT" "err" "run stderr over TLS"

note "exec and cp both ways over TLS"
bt run -d --network none --name "$P-cp" busybox sleep 300
assert_eq 0 "$RC" "run -d over TLS (output: $OUT)"
bt exec "$P-cp" sh -c 'mkdir -p /copied && echo $((6*7))'
assert_eq 0 "$RC" "exec over TLS (output: $OUT)"
assert_eq 42 "$OUT" "exec output over TLS"
mkdir -p "$T/src/sub"
echo "file one" >"$T/src/one.txt"
echo "file two" >"$T/src/sub/two.txt"
bt cp "$T/src" "$P-cp:/copied/"
assert_eq 0 "$RC" "cp into the container over TLS (output: $OUT)"
bt exec "$P-cp" cat /copied/src/sub/two.txt
assert_eq "file two" "$OUT" "the copied tree's file inside the container"
bt cp "$P-cp:/copied/src" "$T/back"
assert_eq 0 "$RC" "cp out of the container over TLS (output: $OUT)"
assert_eq "file one" "$(cat "$T/back/one.txt")" "copied back: one.txt"
assert_eq "file two" "$(cat "$T/back/sub/two.txt")" "copied back: sub/two.txt"
bt rm -f "$P-cp"
assert_eq 0 "$RC" "rm -f over TLS (output: $OUT)"

note "build: a context directory, and a Dockerfile on stdin, over TLS"
mkdir -p "$T/ctx"
echo "from the context" >"$T/ctx/data.txt"
printf 'FROM busybox\nCOPY data.txt /data.txt\nRUN cat /data.txt\n' >"$T/ctx/Dockerfile"
bt build -t "$P-ctx" "$T/ctx"
assert_eq 0 "$RC" "build of a directory over TLS (output: $OUT)"
bt run --rm --network none "$P-ctx" cat /data.txt
assert_eq "from the context" "$OUT" "the built image holds the context's file"
out=$(printf 'FROM busybox\nRUN echo built-from-stdin >/stdin.txt\n' |
    "$BERTH" "${TLS[@]}" build -t "$P-stdin" - 2>&1) || fail "build - over TLS failed: $out"
bt run --rm --network none "$P-stdin" cat /stdin.txt
assert_eq "built-from-stdin" "$OUT" "the image built from a stdin Dockerfile"
bt rmi "$P-ctx" "$P-stdin"

note "over the unix socket, run --rm, exec, ps and images never load the module"
# A copy of berth with no lib/berth beside it: any load would fail loudly.
mkdir -p "$T/bare/bin"
cp "$BERTH" "$T/bare/bin/berth"
bare() {
    RC=0
    OUT=$("$T/bare/bin/berth" -H "$HOST" "$@" 2>&1) || RC=$?
}
bare run --rm --network none busybox sh -c 'echo plain'
assert_eq 0 "$RC" "run --rm without the module (output: $OUT)"
assert_eq plain "$OUT" "run --rm output without the module"
bare run -d --network none --name "$P-bare" busybox sleep 300
assert_eq 0 "$RC" "run -d without the module (output: $OUT)"
bare exec "$P-bare" echo inside
assert_eq inside "$OUT" "exec without the module (status $RC)"
bare ps
assert_contains "$OUT" "$P-bare" "ps without the module (status $RC)"
bare images
assert_contains "$OUT" "busybox" "images without the module (status $RC)"
bare cp "$T/src" "$P-bare:/"
assert_eq 1 "$RC" "cp without the module (output: $OUT)"
assert_contains "$OUT" "berth: cannot load $T/bare/lib/berth/libberth-cli-ext.so" "cp without the module"
bare rm -f "$P-bare"
assert_eq 0 "$RC" "rm -f without the module (output: $OUT)"

note "dialled by a DNS name the certificate holds (SNI and host name check)"
RC=0
OUT=$("$BERTH" -H "tcp://localhost:$port" "${TLS[@]:2}" version 2>&1) || RC=$?
assert_eq 0 "$RC" "berth version over TLS to localhost (output: $OUT)"

note "a daemon certificate that does not name the dialled host is refused"
make_cert ca other other.example serverAuth
# Signed again without make_cert's 127.0.0.1/localhost names.
printf 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:other.example\n' >"$pki/other.ext"
openssl x509 -req -in "$pki/other.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$pki/other.ext" -out "$pki/other.pem" 2>/dev/null || fail "openssl: sign other"
port2=$(free_tcp_port)
berthd_spawn "$T/other.log" --data-root "$T/data-other" --exec-root "$T/run-other" -H "unix://$T/other.sock" \
    -H "tcp://127.0.0.1:$port2" --tlsverify --tlscacert "$pki/ca.pem" --tlscert "$pki/other.pem" \
    --tlskey "$pki/other-key.pem"
wait_ping "$T/other.sock" "$SPAWNED_PID" "$T/other.log"
RC=0
OUT=$("$BERTH" -H "tcp://127.0.0.1:$port2" "${TLS[@]:2}" version 2>&1) || RC=$?
[ "$RC" -ne 0 ] || fail "berth accepted a daemon certificate for another host: $OUT"
assert_contains "$OUT" "TLS handshake failed with the Berth daemon at tcp://127.0.0.1:$port2" "wrong-host refusal"
assert_contains "$OUT" "certificate verify failed" "wrong-host refusal reason"

