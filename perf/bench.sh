#!/usr/bin/env bash
# `make bench`: manifold against its peers and against the machine's limit, in one run.
# Prints medians (hyperfine), ratios and peak memory. Nothing here asserts a time: the
# machine is shared and noisy; read the ratios.
#   perf/bench.sh [BINARY]     BENCH=digest|verify|verify-key|wide|pack|pull|bombs|all (default all), BENCH_RUNS=N (default 5)
#   (verify-key: only the signature part of verify)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/manifold}")
work=perf/work
runs=${BENCH_RUNS:-5}
only=${BENCH:-all}
mkdir -p "$work"
gcc -O2 -o "$work/ideal" perf/ideal.c -lisal -lcrypto
gcc -O2 -o "$work/ideal-many" perf/ideal-many.c -lisal -lcrypto
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

if [ "$only" = all ] || [ "$only" = digest ]; then

perf/make-layer.sh "$work" 1024
layer="$work/layer-1024m.tar"
gz="$layer.gz"

echo "== warming the page cache (every tool reads from memory, as in a CI job's second step)"
cat "$layer" "$gz" > /dev/null

echo "== 1. digest of a 1 GB file"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/digest.json" \
  -n manifold "$bin digest $layer" \
  -n sha256sum "sha256sum $layer" \
  -n openssl "openssl dgst -sha256 $layer"

echo "== 2. diff_id of a 1 GB layer (gzip -6, $(( $(stat -c %s "$gz") / 1000000 )) MB compressed)"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/uncompressed.json" \
  -n manifold "$bin digest --uncompressed $gz" \
  -n "gzip|sha256sum" "gzip -dc $gz | sha256sum" \
  -n "igzip|openssl" "igzip -dc $gz | openssl dgst -sha256"

echo "== 3. the machine's limit (perf/ideal.c, same libraries, single thread, median of 3)"
for i in 1 2 3; do "$work/ideal" "$gz"; done > "$work/ideal.txt"
cat "$work/ideal.txt"

echo "== 4. peak memory (max RSS, /usr/bin/time)"
cp "$gz" "$work/second.tar.gz"
{
  echo "digest_1g $(peak "$bin" digest "$layer")"
  echo "uncompressed_1g $(peak "$bin" digest --uncompressed "$gz")"
  echo "uncompressed_two_at_once $(peak "$bin" digest --uncompressed "$gz" "$work/second.tar.gz")"
} > "$work/memory.txt"
rm -f "$work/second.tar.gz"

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
def medians(name):
    with open(f"{work}/{name}.json") as f:
        return {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}
d, u = medians("digest"), medians("uncompressed")
rows = [list(map(float, line.split())) for line in open(f"{work}/ideal.txt")]
hash_in, inflate, hash_out = (statistics.median(r[i] for r in rows) for i in range(3))
memory = dict(line.split() for line in open(f"{work}/memory.txt"))
ideal_u = max(inflate, hash_out)   # inflate and hash overlap on two cores
print()
print("== summary (medians; ratio < 1 means manifold is faster)")
print(f"digest 1 GB:        manifold {d['manifold']:.3f}s  sha256sum {d['sha256sum']:.3f}s  openssl {d['openssl']:.3f}s")
print(f"  manifold / openssl dgst            = {d['manifold'] / d['openssl']:.3f}   (goal: within 1.05)")
print(f"  manifold / sha256sum               = {d['manifold'] / d['sha256sum']:.3f}")
print(f"diff_id 1 GB layer: manifold {u['manifold']:.3f}s  gzip|sha256sum {u['gzip|sha256sum']:.3f}s  igzip|openssl {u['igzip|openssl']:.3f}s")
print(f"  ideal = max(inflate {inflate:.3f}s, sha256 of output {hash_out:.3f}s) = {ideal_u:.3f}s")
print(f"  manifold / ideal                   = {u['manifold'] / ideal_u:.3f}   (goal: at most 1.1)")
print(f"  manifold / (igzip -dc | openssl)   = {u['manifold'] / u['igzip|openssl']:.3f}   (goal: at most 0.6)")
print(f"  manifold / (gzip -dc | sha256sum)  = {u['manifold'] / u['gzip|sha256sum']:.3f}")
print(f"peak memory: digest {int(memory['digest_1g'])/1024:.1f} MiB, --uncompressed {int(memory['uncompressed_1g'])/1024:.1f} MiB, "
      f"two layers at once {int(memory['uncompressed_two_at_once'])/1024:.1f} MiB   (goal: under 32 MiB)")
PY
fi

if [ "$only" = all ] || [ "$only" = verify ]; then
image="$work/ref-image"
echo "== verify: reference image (2 platforms x 3 layers of ~150 MB, gzip -6)"
python3 perf/make-image.py "$image" --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
cat "$image"/blobs/sha256/* > /dev/null
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/verify.json" \
  -n manifold "$bin verify --quiet $image" \
  -n "hand-made, 2 jobs" "perf/handmade-verify.sh $image"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/shallow.json" \
  -n "manifold --shallow" "$bin verify --quiet --shallow $image" \
  -n "oci-image-tool" "oci-image-tool validate --type image $image"

echo "== the machine's limit per layer (perf/ideal.c: sha256 of the blob + inflate + sha256 of the tar)"
: > "$work/ideal-layers.txt"
for blob in "$image"/blobs/sha256/*; do
  if [ "$(head -c 2 "$blob" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
    for i in 1 2 3; do "$work/ideal" "$blob"; done | sort -n -k2 | sed -n 2p >> "$work/ideal-layers.txt"
  fi
done
cat "$work/ideal-layers.txt"

echo "== verify: a single 2 GB layer, for memory"
big="$work/big-image"
python3 perf/make-image.py "$big" --platforms linux/amd64 --layers 1 --layer-mb 2000
{
  echo "verify_ref $(peak "$bin" verify --quiet "$image")"
  echo "verify_2g $(peak "$bin" verify --quiet "$big")"
} > "$work/verify-memory.txt"
cores=$(nproc)

python3 - "$work" "$cores" <<'PY'
import json, statistics, sys
work, cores = sys.argv[1], int(sys.argv[2])
def medians(name):
    with open(f"{work}/{name}.json") as f:
        return {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}
v, s = medians("verify"), medians("shallow")
layers = [list(map(float, line.split())) for line in open(f"{work}/ideal-layers.txt")]
ideal = sum(r[0] + r[1] + r[2] for r in layers) / cores
memory = dict(line.split() for line in open(f"{work}/verify-memory.txt"))
print()
print("== verify summary (medians; ratio < 1 means manifold is faster)")
print(f"full verify: manifold {v['manifold']:.3f}s, hand-made 2 jobs {v['hand-made, 2 jobs']:.3f}s, ideal (sum of per-layer costs / {cores} cores) {ideal:.3f}s")
print(f"  manifold / ideal                    = {v['manifold'] / ideal:.3f}   (goal: at most 1.05)")
print(f"  manifold / hand-made                = {v['manifold'] / v['hand-made, 2 jobs']:.3f}   (goal: at most 0.9)")
print(f"shallow: manifold --shallow {s['manifold --shallow']:.3f}s, oci-image-tool validate {s['oci-image-tool']:.3f}s")
print(f"  oci-image-tool / manifold --shallow = {s['oci-image-tool'] / s['manifold --shallow']:.1f}x faster   (goal: at least 4x)")
print(f"peak memory: reference image {int(memory['verify_ref'])/1024:.1f} MiB, single 2 GB layer {int(memory['verify_2g'])/1024:.1f} MiB   (goal: under 64 MiB)")
PY
fi

if [ "$only" = all ] || [ "$only" = verify ] || [ "$only" = verify-key ]; then
image="$work/ref-image"
signed="$work/ref-image-signed"
echo "== verify --key: the reference image signed with a test key (cosign tag scheme), with and without the key"
[ -d "$image" ] || python3 perf/make-image.py "$image" --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
# Hard links: sign adds blobs and renames a new index.json; it never writes into a blob.
rm -rf "$signed" && cp -al "$image" "$signed"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/bench-key.pem" 2>/dev/null
openssl pkey -in "$work/bench-key.pem" -pubout -out "$work/bench-key.pub"
# Its index.json lists the platform manifests itself: each is an image, signed on its own.
for digest in $(python3 -c 'import json,sys; print(" ".join(m["digest"] for m in json.load(open(sys.argv[1]))["manifests"]))' "$signed/index.json"); do
  "$bin" sign --key "$work/bench-key.pem" "$signed@$digest" > /dev/null
done
cat "$signed"/blobs/sha256/* > /dev/null
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/verify-key.json" \
  -n "verify" "$bin verify --quiet $signed" \
  -n "verify --key" "$bin verify --quiet --key $work/bench-key.pub $signed"
python3 - "$work" <<'PY'
import json, statistics, sys
with open(f"{sys.argv[1]}/verify-key.json") as f:
    results = json.load(f)["results"]
m = {r["command"]: statistics.median(r["times"]) for r in results}
# CPU time (user + system) too: on a shared machine wall time drifts between the two
# series (hyperfine runs one after the other); the work itself shows in CPU time.
cpu = {r["command"]: r["user"] + r["system"] for r in results}   # hyperfine gives their means
print()
print("== verify --key summary (medians; CPU: means)")
print(f"verify {m['verify']:.3f}s ({cpu['verify']:.3f}s CPU), verify --key {m['verify --key']:.3f}s ({cpu['verify --key']:.3f}s CPU)")
print(f"  verify --key / verify, wall time    = {m['verify --key'] / m['verify']:.3f}   (goal: at most 1.02)")
print(f"  verify --key / verify, CPU time     = {cpu['verify --key'] / cpu['verify']:.3f}")
PY
fi

if [ "$only" = all ] || [ "$only" = wide ]; then
wide="$work/wide-image"
echo "== verify: a wide layout (200 tagged images x 10 small gzip layers, half of them shared)"
python3 perf/make-wide-image.py "$wide"
blobs=("$wide"/blobs/sha256/*)
count=${#blobs[@]}
cat "${blobs[@]}" > /dev/null
# The peer for --shallow: every blob hashed by openssl dgst, two processes at a time.
half=$(( (count + 1) / 2 ))
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/wide.json" \
  -n manifold "$bin verify --quiet $wide" \
  -n "manifold --shallow" "$bin verify --quiet --shallow $wide" \
  -n "openssl dgst, 2 at a time" "printf '%s\0' $wide/blobs/sha256/* | xargs -0 -P 2 -n $half openssl dgst -sha256 > /dev/null" \
  -n "manifold pack" "rm -f $work/wide.tar; $bin pack --allow-duplicate-platforms -o $work/wide.tar $wide"
rm -f "$work/wide.tar"

echo "== the machine's limit (perf/ideal-many.c: sha256 of every blob + inflate + sha256 of every tar, one thread, median of 3)"
for i in 1 2 3; do "$work/ideal-many" "${blobs[@]}"; done > "$work/ideal-wide.txt"
cat "$work/ideal-wide.txt"

echo "== system calls per blob (strace -c -f, one run of each)"
: > "$work/wide-syscalls.txt"
if command -v strace > /dev/null; then
  for mode in full shallow; do
    flag=; [ "$mode" = shallow ] && flag=--shallow
    strace -c -f -o "$work/wide-strace-$mode.txt" "$bin" verify --quiet $flag "$wide" > /dev/null
    # strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
    awk -v mode="$mode" '$NF ~ /^(futex|mmap|munmap|openat|read|pread64|close|fstat|newfstatat|fadvise64)$/ { print mode, $NF, $4 }' \
      "$work/wide-strace-$mode.txt" >> "$work/wide-syscalls.txt"
  done
else
  echo "(strace not installed: no counts)"
fi
echo "verify_wide $(peak "$bin" verify --quiet "$wide")" > "$work/wide-memory.txt"

python3 - "$work" "$(nproc)" "$count" <<'PY'
import json, statistics, sys
work, cores, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{work}/wide.json") as f:
    w = {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}
rows = [list(map(float, line.split())) for line in open(f"{work}/ideal-wide.txt")]
core_seconds = statistics.median(r[0] + r[1] + r[2] for r in rows)
blobs, layers, mb = int(rows[0][3]), int(rows[0][4]), rows[0][5] / 1e6
ideal = core_seconds / cores
calls = {}
for line in open(f"{work}/wide-syscalls.txt"):
    mode, name, n = line.split()
    calls.setdefault(mode, {})[name] = int(n)
memory = dict(line.split() for line in open(f"{work}/wide-memory.txt"))
print()
print(f"== wide verify summary ({blobs} blobs, {layers} gzip layers, {mb:.1f} MB; medians)")
print(f"full verify: manifold {w['manifold']:.3f}s, ideal ({core_seconds:.3f} core-seconds / {cores} cores) {ideal:.3f}s")
print(f"  manifold / ideal                    = {w['manifold'] / ideal:.2f}   (goal: at most 1.5)")
print(f"shallow: manifold --shallow {w['manifold --shallow']:.3f}s, openssl dgst of every blob, 2 at a time {w['openssl dgst, 2 at a time']:.3f}s")
print(f"  manifold --shallow / openssl        = {w['manifold --shallow'] / w['openssl dgst, 2 at a time']:.2f}   (goal: at most 2)")
for mode, table in calls.items():
    get = lambda name: table.get(name, 0)
    print(f"syscalls per blob, {mode:7}: futex {get('futex') / count:.2f}, mmap {get('mmap') / count:.2f}, "
          f"munmap {get('munmap') / count:.2f}, openat {get('openat') / count:.2f}, "
          f"reads {(get('read') + get('pread64')) / count:.2f}, close {get('close') / count:.2f}, "
          f"stat {(get('fstat') + get('newfstatat')) / count:.2f}, fadvise {get('fadvise64') / count:.2f}")
print(f"pack of the whole layout into an oci-archive: {w['manifold pack']:.3f}s ({w['manifold pack'] / w['openssl dgst, 2 at a time']:.2f}x openssl dgst of every blob)")
print(f"peak memory: {int(memory['verify_wide'])/1024:.1f} MiB")
PY
fi

if [ "$only" = all ] || [ "$only" = pack ]; then
echo "== pack: two single-arch images of ~450 MB each (3 layers of ~150 MB, gzip -6) into one oci-archive"
python3 perf/make-image.py "$work/pack-amd64" --platforms linux/amd64 --layers 3 --layer-mb 150 --skip-layers 6
python3 perf/make-image.py "$work/pack-arm64" --platforms linux/arm64 --layers 3 --layer-mb 150 --skip-layers 9
amd="$work/pack-amd64" arm="$work/pack-arm64" out="$work/pack-out"
mkdir -p "$out"
cat "$amd"/blobs/sha256/* "$arm"/blobs/sha256/* > /dev/null
# The equivalent index for skopeo: the same two manifests under one index in a layout.
rm -rf "$out/index-layout"
"$bin" pack -o "$out/index-layout" --link "$amd:amd64" "$arm:arm64" > /dev/null
cat > "$out/buildah.sh" <<SH
set -e
buildah manifest rm manifold-bench >/dev/null 2>&1 || true
buildah manifest create manifold-bench >/dev/null
buildah manifest add manifold-bench oci:$(realpath "$amd"):amd64 >/dev/null
buildah manifest add manifold-bench oci:$(realpath "$arm"):arm64 >/dev/null
rm -f $out/buildah.tar
buildah manifest push -q --all manifold-bench oci-archive:$out/buildah.tar:latest
buildah manifest rm manifold-bench >/dev/null
SH
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/pack.json" \
  -n manifold "rm -f $out/manifold.tar; $bin pack -o $out/manifold.tar $amd:amd64 $arm:arm64" \
  -n "buildah manifest" "bash $out/buildah.sh" \
  -n "skopeo copy --all" "rm -f $out/skopeo.tar; skopeo copy -q --all oci:$out/index-layout:latest oci-archive:$out/skopeo.tar:latest"
rm -f "$out/manifold.tar"
echo "pack_tar $(peak "$bin" pack -o "$out/manifold.tar" "$amd:amd64" "$arm:arm64")" > "$work/pack-memory.txt"
rm -rf "$out/linked"
link_line=$("$bin" pack -o "$out/linked" --link "$amd:amd64" "$arm:arm64" | tail -1)
rm -rf "$out/linked"
python3 - "$work" "$link_line" <<'PY'
import json, statistics, sys
work, link_line = sys.argv[1], sys.argv[2]
with open(f"{work}/pack.json") as f:
    p = {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}
memory = dict(line.split() for line in open(f"{work}/pack-memory.txt"))
print()
print("== pack summary (medians)")
print(f"manifold {p['manifold']:.3f}s, buildah manifest create/add/push --all {p['buildah manifest']:.3f}s, skopeo copy --all {p['skopeo copy --all']:.3f}s")
print(f"  buildah / manifold = {p['buildah manifest'] / p['manifold']:.1f}x   skopeo / manifold = {p['skopeo copy --all'] / p['manifold']:.1f}x   (goal: at least 2x each)")
print(f"peak memory: {int(memory['pack_tar'])/1024:.1f} MiB   (goal: under 64 MiB)")
print(f"--link to a directory on the same filesystem: {link_line}")
PY
fi

if [ "$only" = all ] || [ "$only" = pull ]; then
echo "== pull: the reference image (2 platforms x 3 layers of ~150 MB, gzip -6) from a loopback docker-registry"
image="$work/ref-image"
python3 perf/make-image.py "$image" --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
pulldir="$work/pull"
rm -rf "$pulldir"
mkdir -p "$pulldir"
# One multi-platform index under one tag, as a registry serves it (hard links: no copy).
"$bin" pack -o "$pulldir/layout" --link "$image:amd64" "$image:arm64" > /dev/null
cat "$pulldir/layout"/blobs/sha256/* > /dev/null
# Each registry's pid in a file: start_registry runs in a command substitution (a subshell).
stop_registries() {
  for file in "$pulldir"/*.pid; do
    [ -e "$file" ] || continue
    kill "$(cat "$file")" 2>/dev/null || true
    rm -f "$file"
  done
}
trap 'stop_registries; rm -rf "$pulldir"' EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A CA and a server certificate for 127.0.0.1 (openssl), for the TLS registry.
pki="$pulldir/pki"
mkdir -p "$pki/certs"
(
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=manifold-bench-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt 2>/dev/null
  cp ca.crt certs/ca.crt
)

# Starts docker-registry on 127.0.0.1 (plain, or TLS with the CA above); prints its port.
start_registry() {
  local name=$1 port config
  port=$(free_port)
  config="$pulldir/$name.yml"
  {
    printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$(realpath "$pulldir")/$name-data"
    printf 'http:\n  addr: 127.0.0.1:%s\n  secret: manifold-bench-%s\n' "$port" "$port"
    if [ "$name" = tls ]; then
      printf '  tls:\n    certificate: %s\n    key: %s\n' "$(realpath "$pki")/server.crt" "$(realpath "$pki")/server.key"
    fi
  } > "$config"
  docker-registry serve "$config" > "$pulldir/$name.log" 2>&1 &
  echo "$!" > "$pulldir/$name.pid"
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null ${2:+--cacert "$pki/ca.crt"} "$3://127.0.0.1:$port/v2/"; then echo "$port"; return; fi
    sleep 0.1
  done
  echo "bench: docker-registry ($name) did not start; see $pulldir/$name.log" >&2
  return 1
}
# CPU seconds (user+sys) the registry NAME has used so far.
registry_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$(cat "$pulldir/$1.pid")/stat"; }
plain_port=$(start_registry plain "" http)
tls_port=$(start_registry tls ca https)
plain_ref="127.0.0.1:$plain_port/bench/ref:latest"
tls_ref="127.0.0.1:$tls_port/bench/ref:latest"
skopeo copy -q --all --dest-tls-verify=false "oci:$pulldir/layout:latest" "docker://$plain_ref"
skopeo copy -q --all --dest-cert-dir "$pki/certs" "oci:$pulldir/layout:latest" "docker://$tls_ref"

out="$pulldir/out"
mkdir -p "$out"
rm -f "$work/pull-memory.txt.new"
for mode in plain tls; do
  if [ "$mode" = plain ]; then
    ref=$plain_ref m_flags="--tls-verify=false" s_flags="--src-tls-verify=false"
  else
    ref=$tls_ref m_flags="--cert-dir $pki/certs" s_flags="--src-cert-dir $pki/certs"
  fi
  echo "== pull, $mode: manifold pull vs skopeo copy --all, then verify docker:// vs local verify"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/pull-$mode.json" \
    -n "manifold pull" "rm -f $out/manifold.tar; $bin pull --quiet $m_flags $ref -o $out/manifold.tar" \
    -n "skopeo copy --all" "rm -f $out/skopeo.tar; skopeo copy -q --all $s_flags docker://$ref oci-archive:$out/skopeo.tar"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/pull-verify-$mode.json" \
    -n "verify docker://" "$bin verify --quiet $m_flags docker://$ref" \
    -n "verify local" "$bin verify --quiet $pulldir/layout"
  rm -f "$out/manifold.tar" "$out/skopeo.tar"
  # shellcheck disable=SC2086
  # The registry's CPU while it serves that pull: it shares the cores with manifold.
  before=$(registry_cpu "$mode")
  echo "pull_$mode $(peak "$bin" pull --quiet $m_flags "$ref" -o "$out/manifold.tar")" >> "$work/pull-memory.txt.new"
  echo "registry_$mode $(python3 -c "print(round($(registry_cpu "$mode") - $before, 3))")" >> "$work/pull-memory.txt.new"
  rm -f "$out/manifold.tar"
  # shellcheck disable=SC2086
  echo "verify_$mode $(peak "$bin" verify --quiet $m_flags "docker://$ref")" >> "$work/pull-memory.txt.new"
done
mv "$work/pull-memory.txt.new" "$work/pull-memory.txt"
stop_registries

python3 - "$work" <<'PY'
import json, os, statistics, sys
work = sys.argv[1]
def medians(name):
    with open(f"{work}/{name}.json") as f:
        return {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}
def cpu(name):
    # hyperfine's mean user + system seconds: steadier than wall time on a shared machine
    # (the registry's own CPU is not in it).
    with open(f"{work}/{name}.json") as f:
        return {r["command"]: r["user"] + r["system"] for r in json.load(f)["results"]}
memory = dict(line.split() for line in open(f"{work}/pull-memory.txt"))
print()
print("== pull summary (medians; ratio < 1 means manifold is faster)")
for mode in ("plain", "tls"):
    p, v, c = medians(f"pull-{mode}"), medians(f"pull-verify-{mode}"), cpu(f"pull-{mode}")
    print(f"{mode:5}: manifold pull {p['manifold pull']:.3f}s, skopeo copy --all {p['skopeo copy --all']:.3f}s; "
          f"verify docker:// {v['verify docker://']:.3f}s, local verify {v['verify local']:.3f}s")
    print(f"  pull / skopeo copy                 = {p['manifold pull'] / p['skopeo copy --all']:.3f}   (goal: at most 0.6)")
    print(f"  CPU (user+sys): pull {c['manifold pull']:.2f}s, skopeo {c['skopeo copy --all']:.2f}s   "
          f"(manifold inflates and hashes every layer; its wall time cannot go below CPU / cores)")
    # The checks alone (no network, no writing) spread perfectly over every core: no pull
    # that makes them can finish sooner. Above 0.6 here, the goal is below what the machine can do.
    checks = cpu(f"pull-verify-{mode}")["verify local"]
    floor = checks / os.cpu_count()
    print(f"  floor: local verify's CPU / {os.cpu_count()} cores = {floor:.3f}s = {floor / p['skopeo copy --all']:.3f} of skopeo copy")
    # The registry serving the pull runs on the same cores: what it spends comes on top.
    serving = float(memory.get(f"registry_{mode}", "nan"))
    floor = (checks + serving) / os.cpu_count()
    print(f"  with the registry's CPU while serving a pull ({serving:.2f}s): {floor:.3f}s = {floor / p['skopeo copy --all']:.3f} of skopeo copy")
    print(f"  verify docker:// / local verify    = {v['verify docker://'] / v['verify local']:.3f}   (goal: at most 1.15)")
    print(f"  peak memory: pull {int(memory[f'pull_{mode}'])/1024:.1f} MiB, verify docker:// {int(memory[f'verify_{mode}'])/1024:.1f} MiB   (goal: under 64 MiB)")
PY
fi

if [ "$only" = all ] || [ "$only" = bombs ]; then
echo "== decompression bombs (20 GiB of zeros as gzip and zstd), with and without --max-layer-size: time and peak memory"
python3 Vectors/hostile/run.py --binary "$bin" --only bomb --uncapped-bombs --timeout 600
fi
