#!/usr/bin/env python3
"""Runs the hostile corpus (corpus.py) against a manifold binary: every case's expected exit
code and error words, no crash (exit >= 128), no hang (each command is bounded), peak memory
(max RSS, /usr/bin/time) under the bound, and for pack nothing outside OUT touched.

  python3 Vectors/hostile/run.py --binary .build/debug/manifold [--only REGEX] [--uncapped-bombs]
  python3 Vectors/hostile/run.py --materialize DIR      # write every case out, run nothing
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus

MEMORY_LIMIT_MIB = 64

def run_command(binary, args, timeout):
    with tempfile.NamedTemporaryFile(delete=False) as memory:
        memory_path = memory.name
    start = time.monotonic()
    try:
        # A sanitizer's report must not pass for an expected exit 1: make it a "crash".
        env = dict(os.environ, ASAN_OPTIONS="exitcode=199:" + os.environ.get("ASAN_OPTIONS", ""),
                   TSAN_OPTIONS="exitcode=199:" + os.environ.get("TSAN_OPTIONS", ""))
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", memory_path, binary] + args,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env)
        status, output = done.returncode, (done.stdout + done.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired as expired:
        status, output = "timeout", ((expired.stdout or b"") + (expired.stderr or b"")).decode(errors="replace")
    seconds = time.monotonic() - start
    try:
        with open(memory_path) as f:
            lines = [l for l in f.read().split("\n") if l.strip().isdigit()]
        rss = int(lines[-1]) / 1024 if lines else 0.0
        # /usr/bin/time reports a killed child's status in its own first line.
        with open(memory_path) as f:
            first = f.readline()
        if first.startswith("Command terminated by signal"):
            status = 128 + int(first.split()[-1])
    finally:
        os.unlink(memory_path)
    return status, output, rss, seconds

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/debug/manifold")
    parser.add_argument("--only", default=None)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--materialize", default=None)
    parser.add_argument("--uncapped-bombs", action="store_true", help="also verify the bombs without --max-layer-size (slow)")
    parser.add_argument("--no-memory-bound", action="store_true", help="do not check peak memory (sanitizer builds use more)")
    args = parser.parse_args()

    cases = [c for c in corpus.CASES if not args.only or re.search(args.only, c[0])]
    if args.materialize:
        os.makedirs(args.materialize, exist_ok=True)
        for name, _, build, _ in cases:
            build(os.path.join(args.materialize, name))
        print(f"{len(cases)} cases written to {args.materialize}")
        return 0

    binary = os.path.abspath(args.binary)
    failures, rows, peak = [], [], 0.0
    for name, kind, build, commands in cases:
        directory = tempfile.mkdtemp(prefix=f"manifold-hostile-{name}-")
        try:
            image = build(os.path.join(directory, "case"))
            if args.uncapped_bombs and name.startswith("bomb-"):
                commands = commands + [("verify", ["{image}"], 1, ["diff_id mismatch"])]
            for number, (command, argv, expected, words) in enumerate(commands):
                out = os.path.join(directory, f"out-{number}.tar")
                if command == "pack" and "-o" not in argv:
                    argv = ["-o", "{out}"] + argv
                argv = [a.replace("{image}", image).replace("{out}", out).replace("{dir}", directory) for a in argv]
                before = snapshot(directory, image) if command == "pack" else None
                status, output, rss, seconds = run_command(binary, [command] + argv, args.timeout)
                peak = max(peak, rss)
                problems = []
                if status == "timeout":
                    problems.append(f"hung (no answer in {args.timeout:.0f} s)")
                elif status >= 128:
                    problems.append(f"crashed (exit {status})")
                elif status != expected:
                    problems.append(f"exit {status}, expected {expected}")
                missing = [w for w in words if not w.startswith("!") and w not in output]
                if missing:
                    problems.append("missing words: " + "; ".join(missing))
                unwanted = [w[1:] for w in words if w.startswith("!") and w[1:] in output]
                if unwanted:
                    problems.append("unwanted words: " + "; ".join(unwanted))
                if rss >= MEMORY_LIMIT_MIB and not args.no_memory_bound:
                    problems.append(f"peak memory {rss:.1f} MiB")
                if before is not None:
                    problems += check_pack(directory, image, before, status, command, argv)
                label = f"{name} [{command}{' ' + ' '.join(a for a in argv if a.startswith('--')) if any(a.startswith('--') for a in argv) else ''}]"
                rows.append((label, kind, status, expected, rss, seconds, problems))
                if problems:
                    failures.append((label, problems, output))
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'class':<11} exit want  peak MiB  seconds")
    for label, kind, status, expected, rss, seconds, problems in rows:
        mark = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{label:<{width}}  {kind:<11} {str(status):>4} {expected:>4}  {rss:8.1f}  {seconds:7.2f}  {mark}")
    crashes = sum(1 for r in rows if isinstance(r[2], int) and r[2] >= 128)
    hangs = sum(1 for r in rows if r[2] == "timeout")
    print(f"\n{len(rows)} runs of {len(cases)} cases: {len(failures)} failed, {crashes} crashed, {hangs} hung; "
          f"peak memory {peak:.1f} MiB (bound {MEMORY_LIMIT_MIB} MiB)")
    for label, problems, output in failures:
        print(f"\n--- {label}: {'; '.join(problems)}\n{output[-2000:]}")
    return 1 if failures else 0

def snapshot(directory, image):
    """What a pack must not change: every file outside its output, and the output itself."""
    state = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                state[path] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    state[path] = ("file", f.read() if os.path.getsize(path) < 1 << 20 else os.path.getsize(path))
    return state

def check_pack(directory, image, before, status, command, argv):
    """Nothing outside OUT changed; a failed pack left OUT as it was and left no temporary."""
    problems = []
    out = argv[argv.index("-o") + 1]
    after = snapshot(directory, image)
    for path, value in before.items():
        inside = path == out or path.startswith(out.rstrip("/") + "/")
        if not inside and after.get(path) != value:
            problems.append(f"touched {os.path.relpath(path, directory)} outside OUT")
        if inside and status != 0 and after.get(path) != value:
            problems.append(f"failed pack changed {os.path.relpath(path, directory)}")
    leftovers = [p for p in os.listdir(os.path.dirname(out)) if ".manifold-" in p]
    if leftovers:
        problems.append(f"temporary left behind: {leftovers}")
    return problems

if __name__ == "__main__":
    sys.exit(main())
