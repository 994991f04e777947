"""The command line: the only place that prints and chooses exit codes.

0: every step verified; 1: a step failed or was undecided (or a PDF did not compile);
2: bad usage or a broken problem file.
"""
import json
import sys
from pathlib import Path

import click

from . import loader
from .checking import check
from .errors import ProblemError
from .pdf import CompileError, TexMissing, compile_pdf
from .printing import latex


class BrokenInput(click.ClickException):
    """Bad usage or a broken problem file: exit 2."""
    exit_code = 2


class Failed(click.ClickException):
    exit_code = 1


def _load(target):
    try:
        return loader.load(target)
    except loader.UnknownName as exc:
        raise BrokenInput(str(exc)) from None
    except ProblemError as exc:
        raise BrokenInput(str(exc)) from None


def _targets(targets, all_):
    if all_:
        targets = tuple(loader.names()) + targets
    if not targets:
        raise click.UsageError("name a derivation or a problem file, or pass --all")
    return targets


@click.group()
@click.version_option(package_name="derive")
def main():
    """derive: machine-checked derivations rendered to LaTeX and PDF."""


@main.command("list")
def list_cmd():
    """List the derivations in problems/."""
    for name in loader.names():
        try:
            title = loader.load(name).title
        except ProblemError as exc:
            title = f"(broken: {exc})"
        click.echo(f"{name:32s} {title}")


def _report_dict(derivation, report):
    return {
        "name": derivation.name, "ok": report.ok, "file": derivation.filename,
        "result": {"str": str(derivation.result_expr), "latex": latex(derivation.result_expr)}
        if derivation.result_expr is not None else None,
        "findings": report.findings,
        "seconds": round(report.seconds, 4),
        "steps": [dict(v.as_dict(), rule=derivation.steps[v.index].rule) for v in report.verdicts],
        "crosschecks": [v.as_dict() for v in report.extras],
    }


def _echo_report(derivation, report):
    status = "verified" if report.ok else click.style("NOT VERIFIED", fg="red", bold=True)
    click.echo(f"{derivation.name}: {status} ({len(report.verdicts)} steps, {report.seconds:.2f} s)")
    for v in report.verdicts:
        step = derivation.steps[v.index]
        line = f"  step {v.index:2d} [{step.rule}] {v.relation:>2s}  "
        if v.ok:
            click.echo(line + f"{v.evidence()}  ({v.seconds:.2f} s)")
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
@click.option("--seed", default=20261122, show_default=True, help="Seed for random points.")
def check_cmd(targets, all_, as_json, seed):
    """Check every step of derivations given by NAME or PATH."""
    derivations = [_load(t) for t in _targets(targets, all_)]
    reports = [(d, check(d, seed=seed)) for d in derivations]
    if as_json:
        click.echo(json.dumps({"ok": all(r.ok for _, r in reports),
                               "derivations": [_report_dict(d, r) for d, r in reports]}, indent=2))
    else:
        for d, r in reports:
            _echo_report(d, r)
    sys.exit(0 if all(r.ok for _, r in reports) else 1)


@main.command("render")
@click.argument("name")
@click.option("--pdf", is_flag=True, help="Also compile the .tex to PDF with latexmk.")
@click.option("--out", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Output directory.")
@click.option("--allow-failed", is_flag=True, help="Write a document even if a step failed (marked red).")
def render_cmd(name, pdf, out, allow_failed):
    """Write build/NAME.tex (and build/NAME.pdf with --pdf)."""
    from .render import render_tex
    derivation = _load(name)
    report = check(derivation)
    out_dir = Path(out)
    tex_path = out_dir / f"{derivation.name}.tex"
    if not report.ok and not allow_failed:
        bad = [str(v.index) for v in report.verdicts if not v.ok]
        what = f"step(s) {', '.join(bad)}" if bad else "the chain"
        for stale in (tex_path, tex_path.with_suffix(".pdf")):
            stale.unlink(missing_ok=True)
        raise Failed(f"{derivation.name}: {what} not verified; run `derive check {name}` "
                     f"for counterexamples, or pass --allow-failed to render with the failures marked")
    out_dir.mkdir(parents=True, exist_ok=True)
    tex_path.write_text(render_tex(derivation, report), encoding="utf-8")
    click.echo(f"wrote {tex_path}")
    if pdf:
        try:
            pdf_path = compile_pdf(tex_path)
        except TexMissing as exc:
            raise Failed(str(exc)) from None
        except CompileError as exc:
            click.echo(exc.log_excerpt, err=True)
            raise Failed(str(exc)) from None
        click.echo(f"wrote {pdf_path}")
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
