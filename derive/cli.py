"""The command line: the only place that prints and chooses exit codes.

The error contract (derive/contract.py, README "Error contract"): 0 every step verified; 1 a step
failed or was undecided (or a document did not compile); 2 bad usage, a broken problem file or
the environment; 130 interrupted.  Errors are one line on stderr, or under --json one JSON
document on stdout; --debug shows the traceback instead.
"""
import sys
from pathlib import Path

import click

from . import loader
from .contract import BrokenInput, Failed, document, dumps, error_info, error_line
from .errors import InvalidVariant, ProblemError
from .params import BadParam
from .pdf import OutputError
from .printing import latex


class _Contract(click.Group):
    """Every error of every command ends as the contract says: never a traceback."""

    def invoke(self, ctx):
        args = [*getattr(ctx, "_protected_args", []), *ctx.args]  # click 8.2 keeps the name here
        as_json = "--json" in args
        command = next((a for a in args if not a.startswith("-")), None)
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:  # the reader went away (derive rules | head): nothing left to say
            sys.stderr.close()
            ctx.exit(0)
        except (click.exceptions.UsageError, click.ClickException, KeyboardInterrupt, click.Abort,
                Exception) as exc:
            if ctx.meta.get("derive.debug") and not isinstance(exc, click.ClickException):
                raise
            code, error = error_info(exc)
            if as_json:
                click.echo(dumps(document(command, code, error)))
            elif isinstance(exc, click.exceptions.UsageError) and exc.ctx is not None:
                click.echo(exc.ctx.get_usage() + "\n", err=True)
                click.echo(error_line(error), err=True)
            else:
                click.echo(error_line(error), err=True)
            ctx.exit(code)


def _guard(func, *args):
    """Run a loader call; broken input becomes a one-line error with exit code 2."""
    try:
        return func(*args)
    except (loader.UnknownName, ProblemError, BadParam) as exc:
        raise BrokenInput(str(exc)) from None
    except InvalidVariant as exc:
        raise BrokenInput(f"these parameter values give no valid problem: {exc}") from None
    except OutputError as exc:
        raise BrokenInput(str(exc)) from None


def _load(target):
    return _guard(loader.load, target)


def _targets(targets, all_):
    if all_:
        targets = tuple(loader.derivation_names()) + targets
    if not targets:
        raise click.UsageError("name a derivation or a problem file, or pass --all")
    return targets


@click.group(cls=_Contract)
@click.version_option(package_name="derive")
@click.option("--no-cache", is_flag=True, help="Check every step again and build PDFs from scratch; neither read nor write the cache.")
@click.option("--debug", is_flag=True, help="On an unexpected error, show the Python traceback.")
def main(no_cache, debug):
    """derive: machine-checked derivations rendered to LaTeX and PDF."""
    from .cache import VerdictCache, use
    click.get_current_context().meta["derive.debug"] = debug
    use(None if no_cache else VerdictCache())
    click.get_current_context().call_on_close(lambda: use(None))  # no state left behind in-process


def _jobs_option(func):
    from .parallel import default_jobs
    return click.option("-j", "--jobs", type=click.IntRange(1), default=default_jobs(), show_default=True,
                        help="Worker processes (1: in this process).")(func)


@main.command("list")
def list_cmd():
    """List the derivations and homework answer keys in problems/."""
    for name in loader.names():
        try:
            if loader.is_homework(name):
                title = "[answer key] " + loader.load_homework(name).title
            else:
                title = loader.load(name).title
                params = loader.params_of(name)
                if params:
                    title += f"  [parameters: {', '.join(p.name for p in params)}]"
        except ProblemError as exc:
            title = f"(broken: {exc})"
        click.echo(f"{name:32s} {title}")


@main.command("rules")
@click.argument("name", required=False)
def rules_cmd(name):
    """List the rule catalogue a step may cite (with NAME, also that derivation's own rules)."""
    from .rules import RULES
    own = _load(name).own_rules if name else {}
    for title, table in (("engine rules", RULES), (f"rules of {name}", own)):
        if not table:
            continue
        click.echo(f"{title}:")
        for rule in sorted(table.values(), key=lambda r: r.name):
            click.echo(f"  {rule.name:34s} [{', '.join(rule.relations)}] {rule.text}")


def _report_dict(derivation, report):
    return {
        "name": derivation.name, "ok": report.ok, "file": derivation.filename,
        "result": {"str": str(derivation.result_expr), "latex": latex(derivation.result_expr)}
        if derivation.result_expr is not None else None,
        "findings": report.findings,
        "seconds": round(report.seconds, 4),
        "steps": [dict(v.as_dict(), rule=derivation.steps[v.index].rule, cached=getattr(v, "cached", False))
                  for v in report.verdicts],
        "crosschecks": [dict(v.as_dict(), cached=getattr(v, "cached", False)) for v in report.extras],
    }


def _echo_report(derivation, report):
    status = "verified" if report.ok else click.style("NOT VERIFIED", fg="red", bold=True)
    click.echo(f"{derivation.name}: {status} ({len(report.verdicts)} steps, {report.seconds:.2f} s)")
    for v in report.verdicts:
        step = derivation.steps[v.index]
        line = f"  step {step.number:2d} [{step.rule}] {v.relation:>2s}  "
        if v.ok:
            reused = ", cached" if getattr(v, "cached", False) else ""
            click.echo(line + f"{v.evidence()}  ({v.seconds:.2f} s{reused})")
        else:
            where = f" (line {step.lineno})" if step.lineno else ""
            click.echo(line + click.style(v.label.value.upper(), fg="red") + where + f"  ({v.seconds:.2f} s)")
            if v.counterexample:
                click.echo("      counterexample " + v.counterexample.describe())
            if v.detail:
                click.echo("      " + v.detail)
    for v in report.extras:
        mark = v.evidence() if v.ok else click.style(v.label.value.upper(), fg="red")
        click.echo(f"  cross-check {v.detail}: {mark}  ({v.seconds:.2f} s)")
    for f in report.findings:
        click.echo("  chain: " + click.style(f, fg="red"))


@main.command("check")
@click.argument("targets", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Check every derivation in problems/.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=20261122, show_default=True,
              help="Seed for random points and cross-checks.")
@_jobs_option
def check_cmd(targets, all_, as_json, seed, jobs):
    """Check every step of derivations given by NAME or PATH.

    A broken problem file is reported as that problem's failure and the others are still
    checked; the exit code is then 2."""
    from .parallel import check_all
    usable, broken = [], []
    for target in _targets(targets, all_):
        try:
            loader.derivations(target)
            usable.append(target)
        except (loader.UnknownName, ProblemError) as exc:
            if not all_ and len(targets) == 1:
                raise
            broken.append((target, error_info(exc)[1]))
    reports = _guard(check_all, usable, seed, jobs) if usable else []
    code = 2 if broken else (0 if all(r.ok for _, r in reports) else 1)
    if as_json:
        click.echo(dumps(document("check", code, None, seed=seed,
                                  derivations=[_report_dict(d, r) for d, r in reports],
                                  broken=[{"target": t, "error": e} for t, e in broken])))
    else:
        for d, r in reports:
            _echo_report(d, r)
        for target, error in broken:
            click.echo(f"{target}: " + click.style("BROKEN", fg="red", bold=True) + " " + error_line(error))
    sys.exit(code)


@main.command("render")
@click.argument("name")
@click.option("--pdf", is_flag=True, help="Also compile the .tex to PDF with latexmk.")
@click.option("--out", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--allow-failed", is_flag=True, help="Write a document even if a step failed (marked red).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter of a numeric problem (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Draw fresh parameter values from this seed.")
@click.option("--variants", type=click.IntRange(1, 50), default=None,
              help="With --seed: how many variants to put in one document (more, or one per student: derive variants).")
@click.option("--timings", is_flag=True, help="Print checking times in the document (not reproducible).")
@click.option("--md", is_flag=True, help="Also write NAME.md: Markdown with $...$ math (Ed, Canvas, Gradescope).")
@click.option("--html", is_flag=True, help="Also write NAME.html: one self-contained page, math typeset offline by KaTeX.")
@click.option("--questions-only", "questions", is_flag=True,
              help="The student version (NAME-questions.*): statements, given data and space to answer; "
                   "numbered as in the key; no solutions, verdicts or errata.")
@_jobs_option
def render_cmd(name, pdf, out, allow_failed, params, seed, variants, timings, md, html, questions, jobs):
    """Write build/NAME.tex (and build/NAME.pdf with --pdf, NAME.md with --md, NAME.html with
    --html) for a derivation or a homework key."""
    from . import pipeline
    formats = tuple(f for f, wanted in (("md", md), ("html", html)) if wanted)
    request = pipeline.Request(name, out, pdf, allow_failed, tuple(params), seed, variants, timings, jobs, formats,
                               questions)
    try:
        rendered = _guard(pipeline.render, request)
    except (BrokenInput, Failed) as exc:
        details = getattr(exc, "details", {})
        for problem, status in details.get("statuses", []):
            if isinstance(status, str):  # "verified", "not verified" or "not verified: why"
                shown = status if status == "verified" else \
                    click.style("NOT VERIFIED", fg="red") + status[len("not verified"):]
            else:  # the error of a broken problem file
                shown = click.style("BROKEN", fg="red", bold=True) + " " + error_line(status)
            click.echo(f"{problem}: {shown}")
        for path in details.get("written", []):
            click.echo(f"wrote {path}")
        if details.get("log"):
            click.echo(details["log"], err=True)
        raise
    for path in rendered.written:
        click.echo(f"wrote {path}")
    if seed is not None:
        click.echo(f"seed {seed}: the same seed draws the same variant")
    sys.exit(0 if rendered.ok else 1)


def _progress(label):
    """A progress bar on a terminal (stderr), nothing otherwise: progress(done, total)."""
    if not sys.stderr.isatty():
        return None
    state = {}

    def progress(done, total):
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)
        if done == total:
            state.pop("bar").__exit__(None, None, None)
    return progress


@main.command("variants")
@click.argument("name")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="A CSV of students (an id column, optionally a name): one variant per student.")
@click.option("--secret", envvar="DERIVE_ROSTER_SECRET", default=None, show_envvar=True,
              help="With --roster: the course secret the students' seeds are derived from.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None, help="Without --roster: draw from this seed.")
@click.option("--count", type=click.IntRange(1, 10000), default=None, help="Without --roster: how many variants.")
@click.option("--per-student", is_flag=True, help="With --roster: one key and one student version per student.")
@click.option("--pdf", is_flag=True, help="Also compile the documents to PDF.")
@click.option("--moodle", type=click.Path(dir_okay=False), default=None,
              help="Also write the variants' numeric answers as a Moodle XML quiz to this file.")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Output directory [default: build/NAME-roster or build/NAME-seedS].")
@_jobs_option
def variants_cmd(name, roster, secret, seed, count, per_student, pdf, moodle, out, jobs):
    """Verified variants of a parameterised problem for a class: per student from a roster
    (keys, student versions and an answer sheet answers.csv), or COUNT variants from a seed;
    with --moodle also a Moodle XML quiz of their numeric answers."""
    from . import roster as rosters
    if roster and (seed is not None or count):
        raise BrokenInput("use either --roster or --seed/--count, not both")
    if not roster and (seed is None or not count):
        raise BrokenInput("name a --roster, or give --seed and --count")
    if not roster and per_student:
        raise BrokenInput("--per-student needs --roster")
    _guard(loader.resolve, name)
    stem = Path(name).stem
    if roster:
        students = _guard(rosters.read_roster, roster)
        try:
            assigned = _guard(rosters.assign, name, students, secret, jobs, _progress("checking variants"))
        except rosters.RosterFailed as exc:
            raise Failed(str(exc)) from None
        out = out or str(Path("build") / f"{stem}-roster")
    else:
        from .variants import VariantsFailed, drawn
        try:
            chosen = _guard(drawn, name, seed, count, jobs)
        except VariantsFailed as exc:
            raise Failed(str(exc)) from None
        assigned = [rosters.Assigned(rosters.Student(f"Variant {k}"), seed, values, der, rep)
                    for k, (values, der, rep) in enumerate(chosen, 1)]
        out = out or str(Path("build") / f"{stem}-seed{seed}")
    quiz = None
    if moodle:  # built first: a problem without numeric answers writes nothing at all
        from .lms import moodle_quiz
        quiz = _guard(moodle_quiz, name, [(a.values, a.derivation, a.report) for a in assigned])
    from .pdf import CompileError, TexMissing
    try:
        written = _guard(rosters.publish_roster, name, assigned, out, pdf, per_student, jobs,
                         _progress("writing documents"), None if roster else f"{stem}-seed{seed}-x{count}")
    except TexMissing as exc:
        raise BrokenInput(str(exc)) from None
    except CompileError as exc:
        raise Failed(str(exc), log=exc.log_excerpt) from None
    if quiz is not None:
        from .web import write_atomically
        target = Path(moodle)
        written.append(_guard(write_atomically, target.parent, target.name, quiz))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(assigned)} variant(s) of {stem}, every one verified")
    sys.exit(0)


@main.group("cache")
def cache_cmd():
    """The verdict cache ($DERIVE_CACHE_DIR, else $XDG_CACHE_HOME/derive or ~/.cache/derive)."""


@cache_cmd.command("clear")
def cache_clear_cmd():
    """Delete every cached verdict (and the auxiliary files kept from LaTeX builds)."""
    from .cache import cache_dir, clear
    click.echo(f"removed {clear()} cached verdict(s) and the LaTeX auxiliary files from {cache_dir()}")


@main.command("watch")
@click.argument("name")
@click.option("--pdf", is_flag=True, help="Also compile the PDF after each save.")
@click.option("--html", is_flag=True, help="Also write NAME.html after each save (reload it in the browser).")
@click.option("--md", is_flag=True, help="Also write NAME.md after each save.")
@click.option("--out", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--iterations", type=click.IntRange(1), default=None, hidden=True,
              help="Stop after this many looks at the file (for tests).")
def watch_cmd(name, pdf, html, md, out, iterations):
    """Re-check and re-render NAME each time its file is saved (Ctrl-C stops).

    Only steps whose inputs changed are checked again (the verdict cache); the document is
    written with any failure marked, and with --html / --md also the page / the Markdown."""
    from .watch import watch
    _guard(loader.resolve, name)
    formats = tuple(f for f, wanted in (("md", md), ("html", html)) if wanted)
    try:
        for event in watch(name, out=out, pdf=pdf, iterations=iterations, formats=formats):
            if event.report is None:
                click.echo(click.style(f"{event.name}: broken: {event.error}", fg="red"))
                continue
            r = event.report
            bad = [str(v.number if v.number is not None else "cross-check") for v in r.verdicts + r.extras if not v.ok]
            status = "verified" if r.ok else click.style(
                "NOT VERIFIED" + (f" (step(s) {', '.join(bad)})" if bad else " (chain)"), fg="red")
            wrote = ", ".join(str(p) for p in event.written)
            click.echo(f"{event.name}: {status}; {event.rechecked} of {len(r.verdicts)} step(s) checked, "
                       f"the rest cached; wrote {wrote} ({event.seconds:.2f} s)"
                       + (f"; {event.error}" if event.error else ""))
    except KeyboardInterrupt:
        click.echo("stopped")
        sys.exit(130)


@main.command("audit")
@click.argument("path", type=click.Path(exists=True))
@click.option("--given", default=None, help="Declarations: a YAML file, or a problem whose declarations to reuse.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="PATH is a folder of submissions: write one row per file to this CSV.")
@click.option("--answer", default=None, help="With --csv: the key's final answer (LaTeX) each submission must reach.")
@click.option("--time-limit", type=click.FloatRange(0.1, 600), default=30, show_default=True,
              help="Seconds per step.")
@click.option("--report", type=click.Path(dir_okay=False), default=None,
              help="Also write a report (.md, .tex or .pdf by the suffix): the author's lines with a verdict on each.")
def audit_cmd(path, given, as_json, csv_path, answer, time_limit, report):
    """Check a derivation someone wrote (Markdown or LaTeX), step by step; or grade a folder."""
    from .audit.command import run  # lark and the reader load only for this command
    if Path(path).is_dir():
        if not csv_path:
            raise BrokenInput(f"{path} is a folder: grade it with --csv grades.csv")
        from .audit.grading import grade
        rows = grade(path, csv_path, given, answer, time_limit,
                     progress=lambda k, n, name: click.echo(f"[{k}/{n}] {name}", err=True))
        click.echo(f"wrote {csv_path} ({len(rows)} submission(s))")
        sys.exit(0)
    if csv_path or answer:
        raise BrokenInput("--csv and --answer grade a folder of submissions")
    run(path, given, as_json, time_limit, report)


if __name__ == "__main__":
    main()
