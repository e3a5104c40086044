#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer binary (with ASan) and runs each target for
# FUZZ_SECONDS (default 30) from seeds taken from Vectors/ plus any crash reproducers
# committed in Vectors/fuzz/<target>/, which must no longer crash.
#   Fuzz/run.sh [TARGET…]      targets: document digest tar docker-manifest gzip zstd
#                              reference www-authenticate link token-response auth-file
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(document digest tar docker-manifest gzip zstd reference www-authenticate link token-response auth-file)
work=.build-fuzz/work
# swiftc keeps only the last of several -sanitize flags, so SwiftPM's --sanitize=fuzzer
# --sanitize=address would silently drop the coverage instrumentation. --sanitize=fuzzer
# tells SwiftPM that libFuzzer provides main; the combined flag after it is what swiftc keeps.
MANIFOLD_FUZZ=1 swift build --product manifold-fuzz --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -E "error|Build of product" || true
bin=.build-fuzz/debug/manifold-fuzz
[ -x "$bin" ] || { echo "fuzz: build failed"; exit 1; }

seed() {
  local target=$1 dir=$work/seeds/$1
  rm -rf "$dir"; mkdir -p "$dir"
  case $target in
    document)
      find Vectors/images -path '*/blobs/sha256/*' -size -8k -type f -exec cp {} "$dir" \;
      find Vectors/images -name index.json -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$dir" \; ;;
    digest)
      { grep -ho 'sha[0-9]*:[0-9a-f]*' Vectors/digest/known-answers.tsv || true; } | sort -u | head -20 | while read -r d; do printf '%s' "$d" > "$dir/$(printf '%s' "$d" | sha1sum | cut -c1-12)"; done
      printf 'blake3:abc' > "$dir/unregistered"; printf 'sha256:../../etc/passwd' > "$dir/traversal" ;;
    tar)
      cp Vectors/images/*.tar "$dir/"; gzip -dc Vectors/sample/layer.tar.gz > "$dir/sample-layer.tar" ;;
    docker-manifest)
      for t in Vectors/images/docker-*.tar Vectors/images/containerd-sparse.tar; do tar -xOf "$t" manifest.json > "$dir/$(basename "$t").json"; done ;;
    gzip) cp Vectors/compression/*.gz "$dir/" ;;
    zstd) cp Vectors/compression/*.zst "$dir/" ;;
    # The registry's texts: what registries and other tools write, and the edges of each grammar.
    reference|www-authenticate|link|token-response|auth-file)
      n=0
      while IFS= read -r line; do n=$((n + 1)); printf '%b' "$line" > "$dir/seed-$n"; done < "Fuzz/seeds/$target.txt" ;;
  esac
  if [ -d "Vectors/fuzz/$target" ]; then cp Vectors/fuzz/"$target"/* "$dir/"; fi
}

# A failed precondition is reported by Swift's message, not by ASan tripping over the
# backtracer that would otherwise start.
export SWIFT_BACKTRACE=enable=no
status=0
for target in "${targets[@]}"; do
  seed "$target"
  corpus=$work/corpus/$target
  mkdir -p "$corpus" "$work/crashes/$target"
  # Committed reproducers first: each must now run clean.
  if [ -d "Vectors/fuzz/$target" ]; then
    MANIFOLD_FUZZ_TARGET=$target "$bin" -runs=0 Vectors/fuzz/"$target"/* > "$work/$target.regress.log" 2>&1 \
      || { echo "fuzz: $target: a committed reproducer fails again (see $work/$target.regress.log)"; status=1; }
  fi
  echo "fuzz: $target for ${seconds}s"
  if ! MANIFOLD_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
       -artifact_prefix="$work/crashes/$target/" "$corpus" "$work/seeds/$target" > "$work/$target.log" 2>&1; then
    echo "fuzz: $target FOUND A FAILURE; reproducer in $work/crashes/$target/, log $work/$target.log"
    status=1
  fi
  grep -E '^(#[0-9]+).*(DONE|pulse)' "$work/$target.log" | tail -1 || true
  # No coverage means no fuzzing: say so rather than report an empty success.
  if grep -q "no interesting inputs were found" "$work/$target.log"; then
    echo "fuzz: $target ran without coverage instrumentation"; status=1
  fi
done
exit $status
