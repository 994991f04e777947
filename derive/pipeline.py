"""From a name to a published document, top to bottom: load → check → document → compile.

``render(request)`` is the whole pipeline; each stage is one function below it.  Results are
data: a ``Rendered`` names what was written and what failed.  Broken input raises
``BrokenInput`` (exit 2), an unverified chain or a document LaTeX rejects ``Failed`` (exit 1);
only the CLI prints and chooses exit codes.
"""
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
from .checking import DEFAULT_SEED, check as check_derivation
from .contract import BrokenInput, Failed, error_info
from .errors import ProblemError
from .params import parse_assignments
from .pdf import CompileError, OutputError, TexMissing, publish


@dataclass
class Request:
    """What ``derive render`` was asked for."""
    name: str
    out: str = "build"
    pdf: bool = False
    allow_failed: bool = False
    params: tuple = ()  # "NAME=VALUE" strings, parsed against the problem's declared parameters
    seed: int = None  # draw parameter values from this seed
    variants: int = None  # with seed: that many variants in one document
    timings: bool = False
    jobs: int = 1
    formats: tuple = ()  # further documents besides NAME.tex: "md" (NAME.md), "html" (NAME.html)
    questions: bool = False  # the student version: statements and given data only (stem-questions)


@dataclass
class Job:
    """What one document shows: a derivation, a set of variants, or an answer key."""
    kind: str  # "derivation", "variants" or "homework"
    stem: str  # the output file name without suffix
    derivation: object = None
    report: object = None
    chosen: list = None  # variants: [(values, derivation, report)]
    homework: object = None
    entries: list = None  # homework: [(item, derivation or None, report or None)]
    statuses: list = field(default_factory=list)  # homework with broken items: (problem, status)


@dataclass
class Rendered:
    """The outcome: the files written and whether every step verified."""
    written: list
    ok: bool


def render(request):
    job = load(request)
    if request.questions:
        job.stem += "-questions"  # never overwrites the key
    job = check(job, request)
    refuse_unverified(job, request)
    web = write_web(request, job)  # before LaTeX runs: a PDF that fails still leaves the page
    try:
        written = compile_document(request, job.stem, document(job, request))
    except (BrokenInput, Failed) as exc:
        exc.details["written"] = web + exc.details.get("written", [])
        raise
    return Rendered(web + written, verified(job))


# -- load ---------------------------------------------------------------------------------
def load(request):
    """The job a request names (a variant drawn or set by parameters is checked as it is drawn)."""
    from .variants import VariantFailed, VariantsFailed, drawn, variant
    name = request.name
    if loader.is_homework(name):
        if request.params or request.seed is not None or request.variants:
            raise BrokenInput("--param, --seed and --variants apply to a single problem, not a homework")
        homework = loader.load_homework(name)
        return Job("homework", homework.name, homework=homework)
    if request.variants and request.seed is None:
        raise BrokenInput("--variants needs --seed")
    try:
        if request.seed is not None:
            if request.params:
                raise BrokenInput("use either --param or --seed, not both")
            chosen = drawn(name, request.seed, request.variants or 1, request.jobs)
            stem = f"{Path(name).stem}-seed{request.seed}{f'-x{request.variants}' if request.variants else ''}"
            if request.variants:
                return Job("variants", stem, chosen=chosen)
            _, derivation, report = chosen[0]
            return Job("derivation", stem, derivation=derivation, report=report)
        if request.params:
            values = parse_assignments(loader.params_of(name), list(request.params))
            derivation, report = variant(name, values)
            return Job("derivation", f"{derivation.name}-{values_tag(values)}", derivation=derivation, report=report)
    except VariantFailed as exc:
        raise Failed(str(exc)) from None
    except VariantsFailed as exc:  # every variant was still checked: each is reported, none written
        statuses = [(f"variant {values}", "verified") for values, _, _ in exc.verified]
        statuses += [(f"variant {values}", f"not verified: {message}") for values, message in exc.failures]
        raise Failed(str(exc), statuses=statuses) from None
    derivation = loader.load(name)
    return Job("derivation", derivation.name, derivation=derivation)


def values_tag(values):
    """A short, stable name part for parameter values: variants never overwrite each other."""
    text = json.dumps(sorted((str(k), str(v)) for k, v in dict(values).items()))
    return "param-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


# -- check --------------------------------------------------------------------------------
def check(job, request):
    """Every derivation of the job with its report (an answer key's problems in parallel)."""
    if job.kind == "derivation" and job.report is None:
        job.report = check_derivation(job.derivation)
    if job.kind == "homework":
        from .parallel import check_problems
        problems = [item.problem for item in job.homework.items if item.problem is not None]
        loaded, broken = {}, []
        for p in problems:  # broken files are found here, before any worker starts
            try:
                loaded[p] = loader.load(p)
            except (loader.UnknownName, ProblemError) as exc:
                broken.append((p, error_info(exc)[1]))
        usable = [p for p in problems if p in loaded]
        reports = dict(zip(usable, check_problems(usable, DEFAULT_SEED, request.jobs)))
        if broken:  # the others are still checked and reported; no key with a hole is written
            job.statuses = [(p, "verified" if reports[p].ok else "not verified") for p in usable]
            job.statuses += [(p, error) for p, error in broken]
            raise BrokenInput(f"{job.homework.name}: {len(broken)} problem file(s) broken "
                              f"({', '.join(p for p, _ in broken)}); no answer key written", statuses=job.statuses)
        job.entries = [(item, None, None) if item.problem is None
                       else (item, loaded[item.problem], reports[item.problem]) for item in job.homework.items]
    return job


def verified(job):
    if job.kind == "homework":
        return all(r.ok for _, _, r in job.entries if r is not None)
    if job.kind == "variants":
        return all(r.ok for _, _, r in job.chosen)
    return job.report.ok


def refuse_unverified(job, request):
    """Without --allow-failed, an unverified chain is not published (and a stale one is removed)."""
    if verified(job) or request.allow_failed:
        return
    if job.kind == "homework":
        failed = [(i, r) for i, _, r in job.entries if r is not None and not r.ok]
        name, report = f"{request.name} ({', '.join(i.number for i, _ in failed)})", failed[0][1]
    else:
        name, report = request.name, job.report
    bad = [str(v.number) for v in report.verdicts if not v.ok]
    what = f"step(s) {', '.join(bad)}" if bad else "the chain or its cross-checks"
    tex_path = Path(request.out) / f"{job.stem}.tex"
    for stale in (tex_path, *(tex_path.with_suffix(f".{kind}") for kind in ("pdf", "md", "html"))):
        stale.unlink(missing_ok=True)
    raise Failed(f"{name}: {what} not verified; run `derive check {request.name}` "
                 f"for counterexamples, or pass --allow-failed to render with the failures marked")


# -- document -----------------------------------------------------------------------------
def document(job, request, fmt="tex"):
    """The document of the job in ``fmt`` (tex, md or html; templates/), failures marked in red."""
    from .render import render_derivation, render_homework, render_variants
    if request.questions:
        return questions(job, request, fmt)
    if job.kind == "homework":
        return render_homework(job.homework, job.entries, timings=request.timings, fmt=fmt)
    if job.kind == "variants":
        return render_variants(request.name, request.seed, job.chosen, timings=request.timings, fmt=fmt)
    return render_derivation(job.derivation, job.report, fmt=fmt, timings=request.timings)


def questions(job, request, fmt):
    """The student version of the job: each derivation's statement and given data, each
    discussion item's statement, numbered as in the key; no step, result, note or verdict."""
    from .render import render_questions
    if job.kind == "homework":
        hw = job.homework
        sections = [(f"{item.number}: {der.title if der is not None else item.title}", None, der,
                     item.statement if der is None else None) for item, der, _ in job.entries]
        return render_questions("homework", hw.title, sections, fmt, subtitle=hw.course)
    if job.kind == "variants":
        sections = [(f"Variant {k}", values, der, None) for k, (values, der, _) in enumerate(job.chosen, 1)]
        return render_questions("variants", sections[0][2].title, sections, fmt,
                                subtitle=f"{len(sections)} variants (seed {request.seed})")
    return render_questions("derivation", job.derivation.title, [("", None, job.derivation, None)], fmt,
                            subtitle="Questions")


def write_web(request, job):
    """NAME.md and NAME.html as the request asks (each written atomically); the paths written."""
    from .web import write_atomically
    written = []
    for fmt in ("md", "html"):
        if fmt in request.formats:
            try:
                written.append(write_atomically(request.out, f"{job.stem}.{fmt}", document(job, request, fmt)))
            except OutputError as exc:
                raise BrokenInput(str(exc), written=written) from None
    return written


# -- compile ------------------------------------------------------------------------------
def compile_document(request, stem, tex):
    """Write stem.tex (and stem.pdf) atomically; TeX missing or an unwritable directory is
    broken input, a document LaTeX rejects a failure (with the log's excerpt)."""
    try:
        return publish(request.out, stem, tex, pdf=request.pdf)
    except TexMissing as exc:
        raise BrokenInput(str(exc), written=[Path(request.out) / f"{stem}.tex"]) from None
    except OutputError as exc:
        raise BrokenInput(str(exc)) from None
    except CompileError as exc:
        raise Failed(str(exc), log=exc.log_excerpt) from None
