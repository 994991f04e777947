"""Watch a problem file: on every save, re-check (the verdict cache re-checks only the steps
whose inputs changed) and re-render.  Events are data; the CLI words them."""
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
from .checking import check
from .errors import DeriveError

POLL = 0.2  # seconds between looks at the file's mtime (no file-watching dependency)


@dataclass
class Event:
    """One pass after a save: the report and what was written, or why the file is broken."""
    name: str
    seconds: float
    report: object = None
    error: str = ""
    rechecked: int = 0
    written: list = field(default_factory=list)


def _once(target, out_dir, pdf):
    from .pdf import compile_pdf
    from .render import render_tex
    start = time.perf_counter()
    try:
        derivation = loader.load(target)
    except DeriveError as exc:
        return Event(str(target), time.perf_counter() - start, error=str(exc))
    report = check(derivation)
    rechecked = sum(not getattr(v, "cached", False) for v in report.verdicts)
    out_dir.mkdir(parents=True, exist_ok=True)
    tex = out_dir / f"{derivation.name}.tex"
    tmp = tex.with_suffix(".tex.tmp")
    tmp.write_text(render_tex(derivation, report), encoding="utf-8")  # failures marked in red
    tmp.replace(tex)
    written = [tex]
    if pdf:
        try:
            compile_pdf(tex)
            written.append(tex.with_suffix(".pdf"))
        except DeriveError as exc:
            return Event(derivation.name, time.perf_counter() - start, report, f"PDF: {exc}", rechecked, written)
    return Event(derivation.name, time.perf_counter() - start, report, "", rechecked, written)


def watch(target, out="build", pdf=False, poll=POLL, iterations=None):
    """Yield an Event at start and after each change of the file's mtime.

    ``iterations``: stop after that many looks at the file (for tests); None: until Ctrl-C."""
    path = loader.resolve(target)
    out_dir, seen, looks = Path(out), None, 0
    while iterations is None or looks < iterations:
        looks += 1
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as exc:
            stamp = None
            if seen != "missing":
                seen = "missing"
                yield Event(str(target), 0.0, error=f"cannot read {path}: {exc.strerror}")
        if stamp is not None and stamp != seen:
            seen = stamp
            yield _once(target, out_dir, pdf)
        if iterations is None or looks < iterations:
            time.sleep(poll)
