"""Benchmark: building whole answer keys and numeric variants.  Prints figures; asserts nothing.

- each homework key: load + check every problem + render the .tex (PDF excluded);
- one numeric variant drawn and verified (filter_recovery and any other parameterised problem);
- `derive render hwN --pdf`: total wall time and latexmk's share.
Usage: python3 benchmarks/answer_keys.py [--no-pdf]
"""
import subprocess
import sys
import tempfile
import time



def main(pdf=True):
    t0 = time.perf_counter()
    from derive import loader
    from derive.checking import check
    from derive.render import render_homework
    from derive.variants import drawn
    print(f"import derive: {time.perf_counter() - t0:.2f} s")
    for name in loader.homework_names():
        t = time.perf_counter()
        hw = loader.load_homework(name)
        entries = []
        for item in hw.items:
            if item.problem is None:
                entries.append((item, None, None))
                continue
            ts = time.perf_counter()
            d = loader.load(item.problem)
            r = check(d)
            entries.append((item, d, r))
            print(f"  {name} {item.number:18s} {item.problem:32s} {time.perf_counter() - ts:6.2f} s  ok={r.ok}")
        render_homework(hw, entries)
        print(f"{name}: whole key built (checks + .tex, no PDF) in {time.perf_counter() - t:.2f} s")
    for name in loader.derivation_names():
        if not loader.params_of(name):
            continue
        t = time.perf_counter()
        try:
            drawn(name, 12345, 1)
        except Exception as exc:  # report, don't stop the benchmark
            print(f"variant {name}: error {exc}")
            continue
        print(f"one variant of {name:32s} drawn and verified in {time.perf_counter() - t:.3f} s")
    if pdf:
        for name in loader.homework_names():
            with tempfile.TemporaryDirectory() as out:
                t = time.perf_counter()
                subprocess.run(["derive", "render", name, "--out", out], check=True, capture_output=True)
                tex_s = time.perf_counter() - t
                t = time.perf_counter()
                subprocess.run(["derive", "render", name, "--pdf", "--out", out], check=True, capture_output=True)
                total = time.perf_counter() - t
                share = max(total - tex_s, 0.0)
                print(f"derive render {name} --pdf: {total:.2f} s, of which latexmk ~{share:.2f} s "
                      f"({100 * share / total:.0f}%)")


if __name__ == "__main__":
    main(pdf="--no-pdf" not in sys.argv)
