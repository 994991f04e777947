"""`derive audit FILE`: check a derivation someone wrote, step by step.

The file is data: read, segmented and parsed, never executed.  Declarations come from the
file (YAML front matter in Markdown, a ``% derive:`` comment block in LaTeX) or from
``--given`` (a YAML file, or a problem's name whose declarations are reused).
Exit 0 when every step holds, 1 when one does not, 2 for unusable input.
"""
from pathlib import Path

import click

from ..contract import BrokenInput, document, dumps
from .chain import MARKS, audit_chain, first_wrong
from .declarations import BadDeclarations, from_problem, from_yaml, split_front_matter, tex_block
from .segment import chains



def _read(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BrokenInput(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _declarations(text, path, given):
    """(declarations, document body, lines removed from the top)."""
    try:
        if given:
            if given.endswith((".yaml", ".yml")):
                decl = from_yaml(_read(given), Path(path).stem)
            else:
                decl = from_problem(given)
            body, skipped = (split_front_matter(text)[1:] if path.endswith(".md") else (text, 0))
            return decl, body, skipped
        if path.endswith(".tex"):
            block = tex_block(text)
            if block is None:
                raise BrokenInput(f"{path}: no `% derive:` declaration block and no --given")
            return from_yaml(block, Path(path).stem), text, 0
        yaml_text, body, skipped = split_front_matter(text)
        if yaml_text is None:
            raise BrokenInput(f"{path}: no YAML front matter with declarations and no --given")
        return from_yaml(yaml_text, Path(path).stem), body, skipped
    except BadDeclarations as exc:
        raise BrokenInput(f"{path}: {exc}") from None


def audit_document(path, given=None, time_limit=None):
    """[(chain, [AuditStep])] for a written document."""
    text = _read(path)
    decl, body, skipped = _declarations(text, str(path), given)
    found = chains(body, first_line=1 + skipped)
    if not found:
        raise BrokenInput(f"{path}: no displayed equations ($$…$$, \\[…\\], equation, align) to check")
    tags = {str(t) for c in found for t in c.tags if t is not None}
    missing = sorted(set(decl.attained) - tags)
    if missing:
        raise BrokenInput(f"{path}: attained: no step is tagged ({missing[0]}) (write \\tag{{{missing[0]}}} on it)")
    return [(c, audit_chain(decl, c.written(), c.lines, time_limit, c.tags)) for c in found]


def write_report(path, results, report):
    """REPORT.md: Markdown; REPORT.tex: a LaTeX document; REPORT.pdf: that document compiled
    with latexmk (derive.pdf: no shell escape, a private build directory; the .tex is kept
    next to it)."""
    from .report import latex, markdown
    target = Path(report)
    suffix = target.suffix.lower()
    written = [target] + ([target.with_suffix(".tex")] if suffix == ".pdf" else [])
    if any(w.resolve() == Path(path).resolve() for w in written):
        raise BrokenInput(f"the report {report} would overwrite the document being audited")
    if suffix == ".pdf":
        from ..errors import DeriveError
        from ..pdf import CompileError, publish
        try:
            try:
                publish(target.parent, target.stem, latex(path, results), pdf=True)
            except CompileError:  # TeX refused a step that looked safe: show every step as text
                publish(target.parent, target.stem, latex(path, results, typeset=False), pdf=True)
        except CompileError as exc:
            raise BrokenInput(f"{exc}\n{exc.log_excerpt}") from None
        except DeriveError as exc:
            raise BrokenInput(str(exc)) from None
        return
    body = latex(path, results) if suffix == ".tex" else markdown(path, results)
    try:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise BrokenInput(f"cannot write {report}: {exc.strerror or exc}") from None


def run(path, given=None, as_json=False, time_limit=None, report=None):
    """`derive audit`: print the verdicts of every chain of the document (and write a report:
    Markdown, LaTeX or PDF by the suffix of ``report``); exit 0, 1 or 2."""
    results = audit_document(path, given, time_limit)
    ok = all(s.ok for _, steps in results for s in steps)
    if report:
        write_report(path, results, report)
    if as_json:
        click.echo(dumps(document("audit", 0 if ok else 1, None, file=str(path), chains=[
            {"first_wrong": first_wrong(steps), "steps": [s.as_dict() for s in steps]} for _, steps in results])))
    else:
        for number, (_, steps) in enumerate(results, 1):
            click.echo(f"chain {number}:")
            for s in steps:
                where = f"line {s.line}" if s.line else f"step {s.index}"
                kind = s.kind if s.ok else click.style(s.kind.upper(), fg="red")
                click.echo(f"  {MARKS[s.kind]} {where:>9} {s.relation or '':>3} {kind}  {s.tex[:60]}")
                if not s.ok and s.message:
                    click.echo(f"      {s.message[:400]}")
                elif s.ok and s.verdict is not None and s.verdict.assumptions:  # what the verdict takes from the author
                    click.echo(f"      assuming {', '.join(s.verdict.assumptions)[:400]}")
            wrong = first_wrong(steps)
            if wrong is not None:
                bad = steps[wrong]
                click.echo(f"  first wrong step: {wrong}" + (f" (line {bad.line})" if bad.line else ""))
    raise SystemExit(0 if ok else 1)
