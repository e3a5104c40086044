#!/usr/bin/env bash
# `make bench-push`: manifold push / copy against skopeo, to and between loopback
# docker-registries, in one run (issue 11). Prints times (one run each, as the issue asks),
# ratios and peak memory. Nothing asserts a time: the machine is shared; read the ratios.
#   perf/push-bench.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/manifold}")
work=perf/work
mkdir -p "$work"
image="$work/ref-image"
python3 perf/make-image.py "$image" --platforms linux/amd64,linux/arm64 --layers 3 --layer-mb 150
# Pack's output is what gets pushed: an index of both platforms, tagged.
"$bin" pack -o "$work/push-packed" --force --tag ref "$image" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
start_registry() {  # NAME → sets REPLY to host:port and PIDS[NAME]; storage under $work/NAME (emptied)
  # Not called in $(…): a subshell's pids+=() would not reach cleanup, leaving registries running.
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
  PIDS[$name]=$!
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  REPLY="127.0.0.1:$port"
}
# A registry each, so that no tool mounts or finds what another sent (skopeo remembers where
# it saw each blob and mounts from there within a registry).
declare -A PIDS
start_registry registry-src; src=$REPLY/source/app
start_registry registry-ours; ours=$REPLY
start_registry registry-theirs; theirs=$REPLY
start_registry registry-ours-copy; ours_copy=$REPLY
start_registry registry-ours-pack; ours_pack=$REPLY
start_registry registry-theirs-copy; theirs_copy=$REPLY
# CPU seconds (user+sys) a registry process has used so far: what the server spent receiving.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/${PIDS[$1]}/stat"; }
seconds() {  # a failed command is reported, not timed
  local s e
  s=$(date +%s.%N)
  if ! "$@" >/dev/null 2>"$work/push-bench.err"; then echo "failed: $* ($(tail -1 "$work/push-bench.err"))" >&2; echo nan; return; fi
  e=$(date +%s.%N)
  python3 -c "print($e - $s)"
}
median_seconds() {  # N COMMAND…: the median of N timed runs, for what takes milliseconds
  local n=$1; shift
  for _ in $(seq "$n"); do seconds "$@"; done | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
cpu_of() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.3f", $1 + $2 }'; }
"$bin" push -q "$work/push-packed:ref" "$src:1" >/dev/null

{
  echo "== 1. push the reference image (pack's output: 2 platforms x 3 layers, $(du -sm "$work/push-packed" | cut -f1) MB) to an empty registry"
  echo "manifold_push $(seconds "$bin" push -q "$work/push-packed:ref" "$ours/app:1")"
  echo "skopeo_push $(seconds skopeo copy -q --all --dest-tls-verify=false "oci:$work/push-packed:ref" "docker://$theirs/app:1")"
  echo "registry_cpu_ours $(cpu registry-ours)"
  echo "registry_cpu_theirs $(cpu registry-theirs)"
  # The floor of a push that inflates and hashes every layer: the same checks with no network.
  echo "manifold_verify_local $(seconds "$bin" verify "$work/push-packed:ref")"
  echo "manifold_verify_local_cpu $(cpu_of "$bin" verify "$work/push-packed:ref")"
  echo "== 2. the same again (every blob present; median of 11 runs each: it takes milliseconds)"
  echo "manifold_repush $(median_seconds 11 "$bin" push -q "$work/push-packed:ref" "$ours/app:1")"
  echo "skopeo_repush $(median_seconds 11 skopeo copy -q --all --dest-tls-verify=false "oci:$work/push-packed:ref" "docker://$theirs/app:1")"
  echo "== 3. copy --all between two registries"
  echo "manifold_copy $(seconds "$bin" copy -q "docker://$src:1" "docker://$ours_copy/app:1")"
  echo "skopeo_copy $(seconds skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false "docker://$src:1" "docker://$theirs_copy/app:1")"
  echo "== 4. copy within one registry (mount: no blob bytes)"
  echo "manifold_mount $(seconds "$bin" copy -q "docker://$src:1" "docker://${src%/source/app}/mirror/app:1")"
  echo "== 5. pack --push: the two platforms as two single-platform inputs, packed straight into an empty registry (each blob read once)"
  echo "manifold_pack_push $(seconds "$bin" pack --tag ref --push "$ours_pack/app:1" "$image:amd64" "$image:arm64")"
  echo "== 6. peak memory (max RSS, KB)"
  echo "rss_push $(peak "$bin" push -q "$work/push-packed:ref" "$ours/rss/app:1")"
  echo "rss_copy $(peak "$bin" copy -q "docker://$src:1" "docker://$ours_copy/rss/app:1")"
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
print(f"  floor: local verify of the same image (inflate + hash every layer, no network) = {ratio('manifold_verify_local', 'skopeo_push'):.2f}x skopeo's push")
cores = __import__("os").cpu_count()
floor = (values.get('manifold_verify_local_cpu', float('nan')) + values.get('registry_cpu_ours', float('nan'))) / cores
print(f"  CPU floor: (local verify's CPU + the registry's CPU) / {cores} cores = {floor:.2f} s = {floor / values['skopeo_push']:.2f}x skopeo's push" if values.get('skopeo_push') else "  CPU floor: n/a")
print(f"  registry CPU while receiving: {values.get('registry_cpu_ours', float('nan')):.2f} s from manifold, {values.get('registry_cpu_theirs', float('nan')):.2f} s from skopeo (same 2 cores)")
print(f"re-push     {ratio('manifold_repush', 'skopeo_repush'):.2f}x   (<= 1x)")
print(f"copy        {ratio('manifold_copy', 'skopeo_copy'):.2f}x   (<= 0.8x)")
print(f"mount copy  {values.get('manifold_mount', float('nan')):.2f} s")
print(f"pack --push {ratio('manifold_pack_push', 'manifold_push'):.2f}x manifold push of pack's output (the pack itself included; without -o nothing is written)")
print(f"peak memory push {values.get('rss_push', 0) / 1024:.1f} MiB, copy {values.get('rss_copy', 0) / 1024:.1f} MiB   (<= 64 MiB)")
PY
