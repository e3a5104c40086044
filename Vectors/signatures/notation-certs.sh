#!/bin/sh
# Certificates for manifold's Notation tests, made with the openssl CLI only (no manifold code):
#
#   notation-certs.sh OUTPUT_DIR
#
# OUTPUT_DIR gets a root CA and an intermediate (the trusted chain), and leaves signed by the
# intermediate: leaf-ec (P-256), leaf-ec384 (P-384) and leaf-rsa (RSA-2048), all digitalSignature + codeSigning;
# leaf-noeku (serverAuth only); leaf-expired (valid 2020-01-01 to 2021-01-01, made with
# `openssl ca`, since `openssl x509` cannot date a certificate in the past). other-root and
# other-leaf form a chain no trust store holds. Each as NAME.pem (certificate) and NAME.key.
set -eu
out=$1
mkdir -p "$out"
cd "$out"

subject="/C=US/ST=WA/L=Seattle/O=wabbit-networks.io"
cat > ext.cnf <<'CNF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
[noeku_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
CNF

root() { # NAME CN
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
    openssl req -x509 -new -key "$1.key" -subj "$subject/CN=$2" -days 3650 \
        -extensions ca_ext -config ext.cnf -out "$1.pem" 2>/dev/null
}
signed() { # NAME CN ISSUER EXTENSIONS KEYALG
    if [ "$5" = rsa ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    elif [ "$5" = ec384 ]; then
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
    fi
    openssl req -new -key "$1.key" -subj "$subject/CN=$2" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 3650 \
        -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
}

root root "wabbit-networks.io root"
signed intermediate "wabbit-networks.io intermediate" root ca_ext ec
signed leaf-ec "wabbit-networks.io signer" intermediate leaf_ext ec
signed leaf-rsa "wabbit-networks.io rsa signer" intermediate leaf_ext rsa
signed leaf-ec384 "wabbit-networks.io p384 signer" intermediate leaf_ext ec384
signed leaf-noeku "wabbit-networks.io server" intermediate noeku_ext ec
root other-root "someone else's root"
signed other-leaf "wabbit-networks.io signer" other-root leaf_ext ec

# The expired leaf: `openssl ca` takes explicit dates.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf-expired.key 2>/dev/null
openssl req -new -key leaf-expired.key -subj "$subject/CN=wabbit-networks.io signer" -out leaf-expired.csr 2>/dev/null
mkdir -p ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = dated
[dated]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = anything
copy_extensions = none
[anything]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
commonName = supplied
CNF
openssl ca -batch -config ca.cnf -cert intermediate.pem -keyfile intermediate.key \
    -startdate 20200101000000Z -enddate 20210101000000Z -extfile ext.cnf -extensions leaf_ext \
    -notext -in leaf-expired.csr -out leaf-expired.pem 2>/dev/null
