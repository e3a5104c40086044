#!/usr/bin/env bash
# Builds a realistic layer for the benchmarks: a tar of real files from this machine
# (libraries, binaries, docs: the mix a base image holds), about SIZE_MB of it, and its
# gzip -6 (via pigz, same format, faster to make). Reuses what is already there.
#   perf/make-layer.sh OUTDIR [SIZE_MB]   → OUTDIR/layer.tar, OUTDIR/layer.tar.gz
set -euo pipefail
out=${1:?usage: make-layer.sh OUTDIR [SIZE_MB]}
size_mb=${2:-1024}
mkdir -p "$out"
tarball="$out/layer-${size_mb}m.tar"
if [ ! -s "$tarball.gz" ]; then
  echo "perf: building a ${size_mb} MB layer from files under /usr (once)" >&2
  list="$out/files-${size_mb}m.txt"
  # Regular files in a stable order, until the total reaches the target size.
  find /usr/bin /usr/lib /usr/share -xdev -type f -readable -print0 2>/dev/null \
    | sort -z \
    | python3 -c '
import os, sys
limit = int(sys.argv[1]); total = 0
for name in sys.stdin.buffer.read().split(b"\0"):
    if not name: continue
    try: size = os.lstat(name).st_size
    except OSError: continue
    if total + size > limit: continue
    total += size
    sys.stdout.buffer.write(name + b"\0")
    if total > limit * 0.995: break
' $((size_mb * 1024 * 1024)) > "$list"
  tar --null -T "$list" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
      -cf "$tarball" 2>/dev/null || true
  pigz -6 -n -k -f "$tarball"
  rm -f "$list"
fi
ls -l "$tarball" "$tarball.gz" >&2
