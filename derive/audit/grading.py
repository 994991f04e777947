"""Grading a folder of written submissions: one CSV row per file, never a crash.

Rubric (documented in the README): a submission's steps are all steps of all its chains
(a chain's first step is not counted: it states the start).  ``credit`` is the share of
those steps that hold *before* the first wrong one (valid steps up to the first error);
``credit_carried`` also counts valid steps after an error, each checked against the last
well-formed step (error carried forward).  ``answer`` (with ``--answer``) says whether the
last step of the last chain equals the key's answer, checked by the engine.
"""
import csv
from pathlib import Path

import click

from .chain import START, VALID, audit_chain
from .command import audit_document
from .declarations import BadDeclarations

COLUMNS = ["file", "chains", "steps", "valid", "invalid", "ill_formed", "unparsed", "undecided",
           "first_wrong_step", "first_wrong_line", "answer", "credit", "credit_carried", "error"]


def _answer_matches(path, given, last_tex, answer):
    """Whether the submission's last step equals the key's answer (the engine decides)."""
    from .command import _declarations, _read
    decl = _declarations(_read(path), str(path), given)[0]
    steps = audit_chain(decl, [(last_tex, None), (answer, "=")])
    return "yes" if steps[1].kind == VALID else "no"


def grade_file(path, given=None, answer=None, time_limit=None):
    """One row (a dict of COLUMNS) for a submission."""
    row = dict.fromkeys(COLUMNS, "")
    row["file"] = Path(path).name
    try:
        results = audit_document(path, given, time_limit)
    except (click.ClickException, BadDeclarations) as exc:
        row["error"] = getattr(exc, "message", str(exc))
        row["credit"] = row["credit_carried"] = "0"
        return row
    steps = [s for _, chain in results for s in chain if s.kind != START]
    counts = {k: sum(s.kind == k for s in steps) for k in ("valid", "invalid", "ill-formed", "unparsed", "undecided")}
    row.update(chains=len(results), steps=len(steps), valid=counts["valid"], invalid=counts["invalid"],
               ill_formed=counts["ill-formed"], unparsed=counts["unparsed"], undecided=counts["undecided"])
    wrong = next((s for s in steps if s.kind != VALID), None)
    if wrong is not None:
        row["first_wrong_step"] = wrong.index
        row["first_wrong_line"] = wrong.line or ""
    before = steps.index(wrong) if wrong is not None else len(steps)
    row["credit"] = f"{before / len(steps):.2f}" if steps else "0"
    row["credit_carried"] = f"{counts['valid'] / len(steps):.2f}" if steps else "0"
    if answer is not None and results:
        last = results[-1][1][-1]
        row["answer"] = _answer_matches(path, given, last.tex, answer) if last.kind in (START, VALID) else "no"
    return row


def grade(folder, out, given=None, answer=None, time_limit=None, progress=None):
    """Write the CSV of every .md/.tex submission in ``folder``; returns the rows."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".md", ".tex") and p.is_file())
    rows = []
    for number, path in enumerate(files, 1):
        rows.append(grade_file(str(path), given, answer, time_limit))
        if progress:
            progress(number, len(files), path.name)
    tmp = Path(out).with_suffix(Path(out).suffix + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(out)
    return rows
