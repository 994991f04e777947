"""Benchmark: the verdict cache, -j, variant batches and watch (issue 12).  Prints figures.

Usage: python3 benchmarks/cache_and_jobs.py [--render]
Each `derive` run is a fresh interpreter (import included) with its own empty cache dir.
Targets on the 2-core machine: warm check --all <= 1.0 s; cold check --all -j 2 <= 4 s;
<= 0.1 s per verified variant; a 200-student roster with PDFs <= 60 s; edit -> fresh output in
watch mode <= 2 s; with --render,
warm render hw5 --pdf <= 1.3x bare latexmk on the same .tex.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def derive(*args, env):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "derive.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    return time.perf_counter() - start, proc.returncode


def watch_edit(cache_dir):
    """Seconds from saving a one-step edit to the re-written .tex, polling as `derive watch` does."""
    os.environ["DERIVE_CACHE_DIR"] = cache_dir
    sys.path.insert(0, str(ROOT))
    from derive import cache, loader
    from derive.watch import watch
    cache.use(cache.VerdictCache())
    work = Path(tempfile.mkdtemp())
    problem = work / "edited.py"
    shutil.copy(loader.resolve("dropout_tikhonov"), problem)
    text = problem.read_text(encoding="utf-8")
    events = watch(str(problem), out=work / "out")
    next(events)  # the first pass fills the cache
    # one step's expression changed (a slip: 3 for 2), as an author would save it
    edited = text.replace("- 2 * p * w.T * X.T * y + p**2 * w.T", "- 3 * p * w.T * X.T * y + p**2 * w.T", 1)
    assert edited != text, "the edit did not apply"
    saved = time.perf_counter()
    problem.write_text(edited, encoding="utf-8")
    event = next(events)
    return time.perf_counter() - saved, event.rechecked, len(event.report.verdicts), event.report.ok


def main(render):
    base = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(base, DERIVE_CACHE_DIR=str(Path(tmp) / "c1"))
        cold, rc = derive("check", "--all", "-j", "2", env=env)
        print(f"cold  derive check --all -j 2: {cold:.2f} s (exit {rc})")
        warm, rc = derive("check", "--all", env=env)
        print(f"warm  derive check --all:      {warm:.2f} s (exit {rc})")
        env1 = dict(base, DERIVE_CACHE_DIR=str(Path(tmp) / "c0"))
        one, rc = derive("check", "--all", "-j", "1", env=env1)
        print(f"cold  derive check --all -j 1: {one:.2f} s (exit {rc})")
        out = str(Path(tmp) / "build")
        for jobs in ("1", "2"):
            envv = dict(base, DERIVE_CACHE_DIR=str(Path(tmp) / f"v{jobs}"))
            n = 20
            t, rc = derive("render", "fir_response", "--seed", "3", "--variants", str(n), "-j", jobs,
                           "--out", out, env=envv)
            envs = dict(base, DERIVE_CACHE_DIR=str(Path(tmp) / f"s{jobs}"))
            t1, _ = derive("render", "fir_response", "--seed", "3", "--variants", "1", "-j", jobs,
                           "--out", out, env=envs)
            print(f"cold  {n} fir_response variants (.tex) -j {jobs}: {t:.2f} s, {t / n:.3f} s per variant "
                  f"(a batch of 1: {t1:.2f} s, so {(t - t1) / (n - 1):.3f} s per further variant) (exit {rc})")
        t, rc = derive("render", "fir_response", "--seed", "3", "--variants", "20", "--out", out, env=envv)
        print(f"warm  20 fir_response variants (.tex): {t:.2f} s, {t / 20:.3f} s per variant (exit {rc})")
        seconds, rechecked, steps, ok = watch_edit(str(Path(tmp) / "w"))
        print(f"watch one-step edit -> fresh .tex: {seconds:.2f} s ({rechecked} of {steps} steps re-checked, "
              f"{'verified' if ok else 'NOT verified'})")
        roster = Path(tmp) / "roster.csv"
        roster.write_text("id,name\n" + "".join(f"s{k:03d},Student {k}\n" for k in range(200)))
        envr = dict(base, DERIVE_CACHE_DIR=str(Path(tmp) / "r"), DERIVE_ROSTER_SECRET="benchmark")
        pdf = ["--pdf"] if shutil.which("latexmk") else []
        t, rc = derive("variants", "filter_recovery", "--roster", str(roster), *pdf, "--out", str(Path(tmp) / "r1"),
                       env=envr)
        print(f"cold  200-student roster of filter_recovery{' with PDFs' if pdf else ''} (combined key + student "
              f"versions, answers.csv): {t:.2f} s (exit {rc})")
        if render:
            if not shutil.which("latexmk"):
                print("render: latexmk not installed, skipped")
                return
            derive("render", "hw5", "--pdf", "--out", out, env=env)  # fills the cache: verdicts and LaTeX's aux files
            t, rc = derive("render", "hw5", "--pdf", "--out", out, env=env)
            tex = Path(out) / "hw5.tex"
            start = time.perf_counter()
            subprocess.run(["latexmk", "-pdf", "-gg", "-interaction=nonstopmode", "-quiet", tex.name],
                           cwd=tex.parent, capture_output=True)
            bare = time.perf_counter() - start
            print(f"warm  derive render hw5 --pdf: {t:.2f} s; bare latexmk -gg: {bare:.2f} s "
                  f"({t / bare:.2f}x) (exit {rc})")


if __name__ == "__main__":
    main("--render" in sys.argv[1:])
