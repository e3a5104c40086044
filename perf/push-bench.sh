#!/usr/bin/env bash
# `make bench-push`: manifold push / copy against skopeo, to and between loopback
# docker-registries, in one run (issue 11). Prints times (one run each, as the issue asks;
# BENCH_RUNS=N for more), ratios and peak memory. Nothing asserts a time: read the ratios.
#   perf/push-bench.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/manifold}")
work=perf/work
runs=${BENCH_RUNS:-1}
mkdir -p "$work"
image="$work/ref-image"
python3 perf/make-image.py "$image" --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
# Pack's output is what gets pushed: an index of both platforms, tagged.
"$bin" pack -o "$work/push-packed" --force --tag ref "$image" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
start_registry() {  # NAME → prints host:port; storage under $work/NAME (emptied)
  local name=$1 port
  port=$(free_port)
  rm -rf "${work:?}/$name" && mkdir -p "$work/$name"
  cat > "$work/$name.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $(realpath "$work/$name")
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YML
  docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "127.0.0.1:$port"
}
a=$(start_registry registry-a)
b=$(start_registry registry-b)
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
timed() {  # LABEL COMMAND…: runs it $runs times, the first into an empty repository each time
  local label=$1; shift
  for i in $(seq "$runs"); do seconds "$@"; done | median | sed "s/^/$label /"
}
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

n=0
fresh() { n=$((n + 1)); echo "$1/bench$n/app"; }
{
  echo "== 1. push the reference image (pack's output, 2 platforms × 3 layers) to an empty repository"
  r=$(fresh "$a"); timed "manifold_push" "$bin" push -q "$work/push-packed:ref" "$r:1"
  r=$(fresh "$a"); timed "skopeo_push" skopeo copy -q --all --dest-tls-verify=false "oci:$work/push-packed:ref" "docker://$r:1"
  echo "== 2. the same again (every blob present)"
  r=$(fresh "$a"); "$bin" push -q "$work/push-packed:ref" "$r:1" >/dev/null
  timed "manifold_repush" "$bin" push -q "$work/push-packed:ref" "$r:1"
  timed "skopeo_repush" skopeo copy -q --all --dest-tls-verify=false "oci:$work/push-packed:ref" "docker://$r:1"
  echo "== 3. copy --all between two registries"
  src=$(fresh "$a"); "$bin" push -q "$work/push-packed:ref" "$src:1" >/dev/null
  r=$(fresh "$b"); timed "manifold_copy" "$bin" copy -q "docker://$src:1" "docker://$r:1"
  r=$(fresh "$b"); timed "skopeo_copy" skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false "docker://$src:1" "docker://$r:1"
  echo "== 4. copy within one registry (mount)"
  r=$(fresh "$a"); timed "manifold_mount" "$bin" copy -q "docker://$src:1" "docker://$r:1"
  echo "== 5. peak memory (max RSS, KB)"
  r=$(fresh "$a"); echo "rss_push $(peak "$bin" push -q "$work/push-packed:ref" "$r:1")"
  r=$(fresh "$b"); echo "rss_copy $(peak "$bin" copy -q "docker://$src:1" "docker://$r:1")"
} | tee "$work/push-bench.txt"

python3 - "$work/push-bench.txt" <<'PY'
import sys
values = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2 and not line.startswith("=="):
        values[parts[0]] = float(parts[1])
def ratio(ours, theirs):
    return values[ours] / values[theirs] if values.get(theirs) else float("nan")
print("== ratios (manifold / skopeo; lower is better)")
print(f"push        {ratio('manifold_push', 'skopeo_push'):.2f}x   (issue 11: <= 0.7x)")
print(f"re-push     {ratio('manifold_repush', 'skopeo_repush'):.2f}x   (<= 1x)")
print(f"copy        {ratio('manifold_copy', 'skopeo_copy'):.2f}x   (<= 0.8x)")
print(f"mount copy  {values.get('manifold_mount', float('nan')):.2f} s")
print(f"peak memory push {values.get('rss_push', 0) / 1024:.1f} MiB, copy {values.get('rss_copy', 0) / 1024:.1f} MiB   (<= 64 MiB)")
PY
