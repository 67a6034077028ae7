# shellcheck shell=bash
# tls_lib.sh — a throw-away PKI for the mutual-TLS tests, sourced after
# lib.sh:   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/tls_lib.sh"
#
#   make_ca NAME                   a self-signed CA: $pki/NAME.pem, NAME-key.pem
#   make_cert CA NAME CN USAGE     a certificate for CN signed by CA, with
#                                  extendedKeyUsage USAGE (serverAuth or
#                                  clientAuth) and SANs 127.0.0.1/localhost:
#                                  $pki/NAME.pem, NAME-key.pem
#   free_tcp_port                  an unused TCP port on 127.0.0.1
#
# Skips (77) without openssl. Everything lives in $pki, below $T.

command -v openssl >/dev/null || skip "openssl not installed"

pki=$T/pki
mkdir -p "$pki"

make_ca() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
        -keyout "$pki/$1-key.pem" -out "$pki/$1.pem" 2>/dev/null || fail "openssl: CA $1"
}

make_cert() {
    local ca=$1 name=$2 cn=$3 usage=$4
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
        -keyout "$pki/$name-key.pem" -out "$pki/$name.csr" 2>/dev/null || fail "openssl: csr $name"
    printf 'extendedKeyUsage=%s\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' "$usage" >"$pki/$name.ext"
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.pem" -CAkey "$pki/$ca-key.pem" \
        -CAcreateserial -days 2 -extfile "$pki/$name.ext" -out "$pki/$name.pem" 2>/dev/null ||
        fail "openssl: sign $name"
}

free_tcp_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
