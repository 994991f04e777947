"""Watch a problem file: on every save, re-check (the verdict cache re-checks only the steps
whose inputs changed) and re-render.  Events are data; the CLI words them."""
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
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


def _once(target, out_dir, pdf, formats=()):
    import click
    from . import pipeline
    start = time.perf_counter()
    request = pipeline.Request(str(target), str(out_dir), pdf, allow_failed=True,  # failures marked in red
                               formats=tuple(formats))
    try:
        job = pipeline.check(pipeline.load(request), request)
    except (DeriveError, click.ClickException) as exc:
        return Event(str(target), time.perf_counter() - start, error=str(getattr(exc, "message", exc)))
    if job.kind != "derivation":
        return Event(str(target), time.perf_counter() - start, error="watch follows one derivation, not an answer key")
    report = job.report
    rechecked = sum(not getattr(v, "cached", False) for v in report.verdicts)
    name = job.stem
    try:
        web = pipeline.write_web(request, job)  # NAME.md / NAME.html (--md, --html)
        written = web + pipeline.compile_document(request, job.stem, pipeline.document(job, request))
    except click.ClickException as exc:
        written = [p for p in [Path(out_dir) / f"{job.stem}.{k}" for k in ("md", "html", "tex")]
                   if p.exists() and (p.suffix == ".tex" or p.suffix[1:] in formats)]
        return Event(name, time.perf_counter() - start, report, f"PDF: {exc.message}", rechecked, written)
    return Event(name, time.perf_counter() - start, report, "", rechecked, written)


def watch(target, out="build", pdf=False, poll=POLL, iterations=None, formats=()):
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
            yield _once(target, out_dir, pdf, formats)
        if iterations is None or looks < iterations:
            time.sleep(poll)
