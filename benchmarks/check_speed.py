"""Benchmark: cold `derive check` (a fresh interpreter, import included), with per-step times.

Prints figures; asserts nothing.  Usage: python3 benchmarks/check_speed.py [NAME ... | --all]
Targets: the two Tikhonov derivations well under 3 s; --all under 8 s (2-core machine, issue 7).
Five cold runs; the median is printed with every run.  The verdict cache is off (--no-cache): every step is checked; workers: derive's default -j.
"""
import json
import statistics
import subprocess
import sys
import time

DEFAULT = ["dropout_tikhonov", "gaussian_noise_tikhonov"]
REPEAT = 5  # cold runs; the median is the figure (this machine's timings vary by ±15 %)


def main(names):
    args = names or DEFAULT
    walls = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "derive.cli", "--no-cache", "check", "--json", *args],
                              capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
    wall = statistics.median(walls)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import derive.cli"], check=True)
    import_s = time.perf_counter() - t0
    doc = json.loads(proc.stdout)
    print(f"derive check {' '.join(args)}: {wall:.2f} s wall, median of {REPEAT} cold runs (import included; "
          f"runs {', '.join(f'{w:.2f}' for w in walls)} s), exit {proc.returncode}")
    print(f"  python start + import derive: {import_s:.2f} s")
    for d in doc["derivations"]:
        print(f"  {d['name']}: {d['seconds']:.2f} s checking")
        for s in d["steps"]:
            print(f"    step {s['index']:2d} {s['rule']:32s} {s['seconds']:.3f} s  {s['label']}")
        for c in d["crosschecks"]:
            print(f"    cross-check {c['detail'][:40]:32s} {c['seconds']:.3f} s  {c['label']}")


if __name__ == "__main__":
    main(sys.argv[1:])
