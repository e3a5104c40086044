#!/usr/bin/env bash
# `make demo`: the whole job on built-in examples. Two single-arch images, each a `docker
# save` of a different Docker generation (Vectors/images/docker-24.tar, linux/amd64, and
# docker-25.tar, linux/arm64, made by Vectors/generate.py from text in the repository), are
# packed into one multi-arch archive, inspected, verified, then broken and verified again.
set -euo pipefail
bin=${1:-.build/release/manifold}
images=Vectors/images
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
out="$work/multi.tar"

say "1. Pack two single-arch images (docker save of Docker 24 and of Docker 25) into one multi-arch oci-archive."
show "$bin" pack -o "$out" "$images/docker-24.tar" "$images/docker-25.tar"

say "2. Inspect it: index › platforms › config and layers."
show "$bin" inspect --tree "$out"

say "3. Which image would a linux/arm64 client run? (its descriptor; the manifest follows it)"
printf '$ %s inspect --platform linux/arm64 %s | head -12\n' "$bin" "$out"
"$bin" inspect --platform linux/arm64 "$out" | head -12

say "4. Verify every byte: sizes, digests, every layer's diff_id, for every platform."
show "$bin" verify "$out"

say "5. Flip one byte in the middle of a layer of a copy, and verify again: it fails, naming the layer (exit 1)."
broken="$work/broken.tar"
cp "$out" "$broken"
python3 - "$broken" <<'PY'
import json, sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as tar:
    index = json.load(tar.extractfile("index.json"))
    top = json.load(tar.extractfile("blobs/sha256/" + index["manifests"][0]["digest"][7:]))
    arm = [m for m in top["manifests"] if m["platform"]["architecture"] == "arm64"][0]
    manifest = json.load(tar.extractfile("blobs/sha256/" + arm["digest"][7:]))
    layer = tar.getmember("blobs/sha256/" + manifest["layers"][1]["digest"][7:])
with open(path, "r+b") as f:
    f.seek(layer.offset_data + layer.size // 2)
    byte = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([byte[0] ^ 0x01]))
PY
printf '$ %s verify %s\n' "$bin" "$broken"
status=0
"$bin" verify "$broken" || status=$?
echo "exit code: $status"
[ "$status" = 1 ]

say "6. The engine underneath: a layer's digest and its diff_id, as coreutils computes them."
layer=Vectors/sample/layer.tar.gz
show "$bin" digest "$layer"
show "$bin" digest --uncompressed "$layer"
printf '$ sha256sum %s; gzip -dc %s | sha256sum\n' "$layer" "$layer"
sha256sum "$layer"
gzip -dc "$layer" | sha256sum
