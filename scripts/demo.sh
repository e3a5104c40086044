#!/usr/bin/env bash
# `make demo`: what manifold does, on a built-in example (Vectors/sample/layer.tar.gz, a
# small gzip layer made by Vectors/generate.py).
set -euo pipefail
bin=${1:-.build/release/manifold}
layer=Vectors/sample/layer.tar.gz
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "1. The digest of a layer blob: what a manifest's layer descriptor names."
show "$bin" digest "$layer"

say "2. Its diff_id: the digest of the decompressed tar, what the image config's rootfs.diff_ids names."
show "$bin" digest --uncompressed "$layer"

say "   The same two numbers from coreutils, and the ones recorded when the sample was made:"
printf '$ sha256sum %s; gzip -dc %s | sha256sum\n' "$layer" "$layer"
sha256sum "$layer"
gzip -dc "$layer" | sha256sum
cat Vectors/sample/layer.digests

say "3. A corrupt copy (one byte of the CRC-32 changed) is refused, exit code 1:"
broken=$(mktemp --suffix=.tar.gz)
trap 'rm -f "$broken"' EXIT
cp "$layer" "$broken"
size=$(stat -c %s "$broken")
printf '\x00' | dd of="$broken" bs=1 seek=$((size - 8)) conv=notrunc status=none
printf '$ manifold digest --uncompressed %s\n' "$broken"
status=0
"$bin" digest --uncompressed "$broken" || status=$?
echo "exit code: $status"
[ "$status" = 1 ]
