#!/usr/bin/env bash
# The best hand-made equivalent of `manifold verify` on an OCI layout, two jobs at a time:
# `openssl dgst -sha256` of every blob, and `igzip -dc | openssl dgst -sha256` of every gzip
# layer (the diff_id). It only computes; comparing would cost it more.
set -euo pipefail
dir=$1
{
  for blob in "$dir"/blobs/sha256/*; do
    echo "openssl dgst -sha256 $blob"
    if [ "$(head -c 2 "$blob" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
      echo "igzip -dc $blob | openssl dgst -sha256"
    fi
  done
} | xargs -P 2 -I{} sh -c '{}' > /dev/null
