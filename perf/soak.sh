#!/usr/bin/env bash
# `make soak` (issue 12, "Load"): one `manifold copy --all-tags --jobs 16` process moving 20
# images (2 platforms each, 4 layers of 1–8 MB, the first 2 shared by every image) between
# two loopback docker-registries, then `skopeo copy --all` doing the same 20 copies one after
# another, as a user would. Checks and prints: every image verified at the destination (and
# its index digest that of the source), each blob uploaded once (manifold's --json and the
# destination registry's access log), peak RSS (≤ 128 MiB), the most open file descriptors
# seen in /proc/PID/fd, and both tools' throughput. Run once; not part of `make test`.
#   perf/soak.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/manifold}")
work=perf/work/soak
rm -rf "$work" && mkdir -p "$work"
images=${SOAK_IMAGES:-20}
python3 Vectors/registry/make_images.py "$work/images" --images $images --layers 4 --shared 2 --min-mb 1 --max-mb 8

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_registry runs in a command substitution (a subshell): the PIDs go through a file.
pidfile="$work/pids"
: > "$pidfile"
cleanup() { while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$pidfile"; }
trap cleanup EXIT
start_registry() {  # NAME → prints host:port; storage under $work/NAME; access log (info) in $work/NAME.log
  local name=$1 port
  port=$(free_port)
  mkdir -p "$work/$name"
  cat > "$work/$name.yml" <<YML
version: 0.1
log:
  level: info
  formatter: json
storage:
  filesystem:
    rootdirectory: $(realpath "$work/$name")
http:
  addr: 127.0.0.1:$port
YML
  docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 &
  echo $! >> "$pidfile"
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "127.0.0.1:$port"
}
src=$(start_registry source)
ours=$(start_registry dest-manifold)
theirs=$(start_registry dest-skopeo)
flags=(--src-tls-verify=false --dest-tls-verify=false)

for n in $(seq $images); do
  "$bin" push -q --tls-verify=false "$work/images:img$n" "docker://$src/soak/app:img$n" >/dev/null
done
total_mb=$(du -sm "$work/images/blobs" | cut -f1)
unique_blobs=$(ls "$work/images/blobs/sha256" | wc -l)

# manifold: one process; its peak RSS from GNU time, its fds sampled from /proc while it runs.
start=$(date +%s.%N)
/usr/bin/time -f %M -o "$work/manifold.rss" "$bin" copy --all-tags --jobs 16 --json "${flags[@]}" \
  "docker://$src/soak/app" "docker://$ours/soak/app" > "$work/manifold.json" 2> "$work/manifold.err" &
timer=$!
child=""
for _ in $(seq 200); do child=$(pgrep -P "$timer" || true); [ -n "$child" ] && break; sleep 0.01; done
max_fds=0 samples=0
while kill -0 "$timer" 2>/dev/null; do
  if [ -n "$child" ] && fds=$(ls "/proc/$child/fd" 2>/dev/null | wc -l) && [ "$fds" -gt 0 ]; then
    samples=$((samples + 1)); [ "$fds" -gt "$max_fds" ] && max_fds=$fds
  fi
  sleep 0.02
done
wait "$timer" && status=0 || status=$?
end=$(date +%s.%N)
manifold_s=$(python3 -c "print(round($end - $start, 2))")
[ "$status" = 0 ] || { echo "soak: manifold copy failed ($status): $(tail -3 "$work/manifold.err")"; exit 1; }
rss_kb=$(cat "$work/manifold.rss")
# The source's log up to here: manifold's reads (skopeo's come after).
head -n "$(wc -l < "$work/source.log")" "$work/source.log" > "$work/source-manifold.log"

# skopeo: the same 20 copies, one process each, one after another.
start=$(date +%s.%N)
for n in $(seq $images); do
  skopeo copy -q --all "${flags[@]}" "docker://$src/soak/app:img$n" "docker://$theirs/soak/app:img$n" >/dev/null
done
end=$(date +%s.%N)
skopeo_s=$(python3 -c "print(round($end - $start, 2))")

# Every image at the destination: verified by manifold, its index digest the source's.
verified=0
for n in $(seq $images); do
  a=$(skopeo inspect --raw --tls-verify=false "docker://$src/soak/app:img$n" | sha256sum | cut -d' ' -f1)
  b=$(skopeo inspect --raw --tls-verify=false "docker://$ours/soak/app:img$n" | sha256sum | cut -d' ' -f1)
  if [ "$a" = "$b" ] && "$bin" verify -q --tls-verify=false "docker://$ours/soak/app:img$n" >/dev/null; then
    verified=$((verified + 1))
  else
    echo "soak: img$n not verified at the destination"
  fi
done

python3 - "$work" "$images" "$unique_blobs" <<'PY'
import json, re, sys, collections
work, images, unique = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
report = json.load(open(f"{work}/manifold.json"))
uploaded = collections.Counter()
for image in report["images"]:
    for blob in image["push"]["blobs"]:
        if blob["status"] == "uploaded":
            uploaded[blob["digest"]] += 1
def logged(log, method, status, pattern):
    """Requests of `method` answered `status` in a docker-registry access log, by the digest `pattern` finds in the URI."""
    counts = collections.Counter()
    for line in open(log):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("http.request.method") == method and entry.get("http.response.status") == status:
            match = re.search(pattern, entry.get("http.request.uri", ""))
            if match:
                counts[match.group(1).replace("%3A", ":")] += 1
    return counts
# The destination's access log: each completed blob upload is a PUT …/blobs/uploads/…digest=… answered 201.
puts = logged(f"{work}/dest-manifold.log", "PUT", 201, r"/blobs/uploads/.*digest=(sha256(?::|%3A)[0-9a-f]{64})")
# The source's access log: blob GETs per digest.
gets = logged(f"{work}/source-manifold.log", "GET", 200, r"/blobs/(sha256:[0-9a-f]{64})")
print(f"blobs uploaded (--json): {len(uploaded)} distinct, most uploads of one: {max(uploaded.values())}")
print(f"blob PUTs completed at the destination (its log): {sum(puts.values())} for {len(puts)} digests, most of one: {max(puts.values()) if puts else 0}")
print(f"blob GETs at the source during the run (its log, manifold's run only): most of one: {max(gets.values()) if gets else 0}")
print(f"retried/resumed transfers (--json): {report['retries']}/{report['resumed']}")
ok = max(uploaded.values()) == 1 and (not puts or max(puts.values()) == 1)
print("each blob transferred once:", "yes" if ok else "NO")
PY

python3 - "$total_mb" "$manifold_s" "$skopeo_s" "$rss_kb" "$max_fds" "$samples" "$verified" "$images" <<'PY'
import sys
mb, ours, theirs, rss, fds, samples, verified, images = sys.argv[1:]
mb, ours, theirs, rss = float(mb), float(ours), float(theirs), int(rss)
print(f"images: {images} (2 platforms, 4 layers of 1-8 MB, 2 shared), {mb:.0f} MB of distinct blobs")
print(f"verified at the destination: {verified}/{images}")
print(f"manifold copy --all-tags --jobs 16: {ours:.2f} s ({mb / ours:.1f} MB/s)")
print(f"skopeo copy --all x {images}, sequential: {theirs:.2f} s ({mb / theirs:.1f} MB/s); manifold/skopeo time: {ours / theirs:.2f}")
print(f"manifold peak RSS: {rss / 1024:.1f} MiB (limit 128 MiB): {'ok' if rss <= 128 * 1024 else 'OVER'}")
print(f"manifold open fds: at most {fds} ({samples} samples of /proc/PID/fd)")
PY
[ "$verified" = "$images" ] && [ "$rss_kb" -le $((128 * 1024)) ]
