#!/bin/sh
# The test PKI for the TLS and token registries, made fresh by each test in DIR:
#   ca.crt, ca.key          a self-signed CA (what clients trust: --cert-dir DIR/certs.d, ca.crt)
#   server.crt, server.key  the registry's (and token server's) certificate for 127.0.0.1 and
#                           localhost (IP and DNS SANs: Go and curl match an IP only by IP SAN)
#   token.crt, token.key    the token server's signing certificate, issued by the CA: the
#                           registry's rootcertbundle is ca.crt and each JWT carries token.crt in x5c
#   certs.d/ca.crt          a cert-dir layout holding only the CA, for skopeo --cert-dir
# RSA 2048 and SHA-256: what every client accepts; generation takes well under a second.
set -eu
dir=$1
mkdir -p "$dir/certs.d"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }
quiet openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=manifold test CA" \
    -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
issue() {
    name=$1 cn=$2 extensions=$3
    quiet openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$cn" -keyout "$name.key" -out "$name.csr"
    printf '%s\n' "$extensions" > "$name.ext"
    quiet openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
        -extfile "$name.ext" -out "$name.crt"
    rm -f "$name.csr" "$name.ext"
}
issue server 127.0.0.1 "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
issue token "manifold test token signer" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature"
cp ca.crt certs.d/ca.crt
