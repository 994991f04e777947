"""The audit as a Markdown report: the author's own lines, a verdict mark on each, and under
the first wrong step of each chain what the engine found (the counterexample)."""
from .chain import MARKS, first_wrong


def _relation(step):
    return {None: "", "=": "=", "substitute": "⇒ (substitute)"}.get(step.relation, step.relation or "")


def markdown(path, results):
    """The report's Markdown text for [(chain, [AuditStep])] of the document at ``path``."""
    ok = all(s.ok for _, steps in results for s in steps)
    lines = [f"# Audit of `{path}`", "",
             "Every step was checked by derive against the last well-formed step before it. "
             + ("**Every step holds.**" if ok else "**Not every step holds.**"), ""]
    for number, (_, steps) in enumerate(results, 1):
        lines += [f"## Chain {number}", "", "| | line | step | verdict |", "|---|---|---|---|"]
        wrong = first_wrong(steps)
        for s in steps:
            tex = s.tex.replace("|", r"\vert ").replace("\n", " ")
            lines.append(f"| {MARKS[s.kind]} | {s.line or ''} | {_relation(s)} ${tex}$ | {s.kind} |")
        if wrong is not None:
            bad = steps[wrong]
            lines += ["", f"**First wrong step: {wrong}**" + (f" (line {bad.line})" if bad.line else "")
                      + f" — {bad.kind}: {bad.message}"]
        lines.append("")
    return "\n".join(lines)
