"""Check a written chain step by step with the engine's checkers: the audit's verdicts as data.

Each written step is read against the declarations (parser.py); the first well-formed step
starts the chain, and every later well-formed step is checked against the last well-formed
one by the checker of its relation, exactly as a problem file's step would be.  A step that
does not read is ``unparsed``, one whose shapes do not fit ``ill-formed``; checking goes on.
A step that reads identical to its predecessor is accepted: written chains restate.
"""
from dataclasses import dataclass

import sympy as sp

from ..checking import check_step
from ..comparison import Context
from ..errors import DeriveError, ProblemError, ShapeMismatch
from ..verdicts import Label
from .parser import IllFormed, Unparsed

# written relation -> (engine relation, rule cited)
RELATIONS = {"=": ("=", "algebra"), "substitute": ("substitute", "change-of-variables")}

START, VALID, INVALID, UNDECIDED, ILL_FORMED, UNPARSED = (
    "start", "valid", "invalid", "undecided", "ill-formed", "unparsed")
MARKS = {START: "·", VALID: "✓", INVALID: "✗", UNDECIDED: "?", ILL_FORMED: "✗", UNPARSED: "?"}  # how reports show each


@dataclass
class AuditStep:
    """One written step and its verdict kind, with the engine's Verdict where one was reached."""
    index: int  # position in the written chain, from 0
    tex: str
    relation: str  # as written ("=", "substitute"), None for the first step
    kind: str  # start | valid | invalid | undecided | ill-formed | unparsed
    message: str = ""
    verdict: object = None
    line: int = None  # line in the source document, when known

    @property
    def ok(self):
        return self.kind in (START, VALID)

    def as_dict(self):
        out = {"index": self.index, "tex": self.tex, "relation": self.relation, "verdict": self.kind,
               "message": self.message, "line": self.line}
        if self.verdict is not None:
            out["evidence"] = self.verdict.as_dict()
        return out


def first_wrong(steps):
    """The index of the first step that does not hold, or None."""
    return next((s.index for s in steps if not s.ok), None)


def audit_chain(decl, written, lines=None, time_limit=None):
    """Verdicts of a written chain: ``written`` is [(tex, relation)], the first relation None;
    ``time_limit``: seconds per step (None: the engine's default)."""
    from ..derivation import Derivation
    base = decl.derivation
    D = Derivation(base.name, base.title, base.source, base.statement)
    D.declared = list(base.declared)
    D.assumptions = list(base.assumptions)
    reader = decl.reader()
    out, checked = [], []  # checked: (AuditStep, index of its engine step)
    consts, previous_const = set(), False  # indices of steps equal to their predecessor up to "+ const"
    for index, (tex, relation) in enumerate(written):
        line = lines[index] if lines else None
        try:
            parsed = reader.parse(tex)
            expr = parsed.expr
        except Unparsed as exc:
            out.append(AuditStep(index, tex, relation, UNPARSED, str(exc), line=line))
            continue
        except (IllFormed, ShapeMismatch) as exc:
            out.append(AuditStep(index, tex, relation, ILL_FORMED, str(exc), line=line))
            continue
        if not D.steps:
            D.definition(expr)
            previous_const = parsed.const
            out.append(AuditStep(index, tex, relation, START, "the chain starts here", line=line))
            continue
        up_to_const, previous_const = parsed.const or previous_const, parsed.const
        if up_to_const and decl.const is None:
            out.append(AuditStep(index, tex, relation, UNPARSED, "+ const: declare its variable (const: w)", line=line))
            continue
        if relation not in RELATIONS:
            out.append(AuditStep(index, tex, relation, UNPARSED, f"the relation {relation!r} is not read in "
                                                                 f"audit mode yet", line=line))
            continue
        engine_relation, rule = RELATIONS[relation]
        options = {"replace": dict(decl.substitutions)} if engine_relation == "substitute" else {}
        try:
            D.step(expr, engine_relation, rule, **options)
        except ProblemError as exc:
            out.append(AuditStep(index, tex, relation, ILL_FORMED, str(exc), line=line))
            continue
        step = AuditStep(index, tex, relation, VALID, line=line)
        out.append(step)
        checked.append((step, len(D.steps) - 1))
        if up_to_const:
            consts.add(len(D.steps) - 1)
    moved = _moved_copy(D, decl.const) if consts else None
    ctx = Context(D)
    for step, k in checked:
        prev, this = D.steps[k - 1], D.steps[k]
        if k in consts:
            _check_up_to_constant(step, prev.expr, this.expr, decl.const, moved, ctx)
            continue
        if this.expr == prev.expr:
            step.message = "restates the previous step"
            continue
        try:
            verdict = check_step(prev, this, ctx) if time_limit is None else check_step(prev, this, ctx, time_limit)
        except (ProblemError, DeriveError) as exc:
            step.kind, step.message = ILL_FORMED, str(exc)
            continue
        step.verdict = verdict
        if verdict.label is Label.FAILED:
            step.kind = INVALID
            step.message = verdict.counterexample.describe() if verdict.counterexample else (verdict.detail or "")
        elif not verdict.ok:
            step.kind, step.message = UNDECIDED, verdict.detail or verdict.method
        else:
            step.message = verdict.evidence() if hasattr(verdict, "evidence") else verdict.label.value
    return out


def _moved_copy(D, var):
    """A second, independent copy of the variable of "+ const", declared in D."""
    if isinstance(var, sp.MatrixSymbol):
        return D.matrix(f"{var.name}_moved", *var.shape)
    return D.scalars(f"{var.name}_moved", "real")


def _check_up_to_constant(step, a, b, var, moved, ctx):
    """a and b differ by a term free of var: (a − b) at var equals (a − b) at an independent copy."""
    from ..checking import STEP_TIMEOUT, _time_limit
    from ..comparison import compare
    diff = a - b
    try:
        with _time_limit(STEP_TIMEOUT):
            result = compare(ctx, diff, diff.xreplace({var: moved}), salt=step.index)
    except Exception as exc:  # noqa: BLE001 (a time-out or an unsupported object: undecided, never a pass)
        step.kind, step.message = UNDECIDED, f"equal up to a constant: {type(exc).__name__} {exc}"
        return
    label = result[0]
    if label is Label.FAILED:
        cx = result[1]
        step.kind = INVALID
        step.message = ("the two sides differ by a term that depends on " + str(var) + ": "
                        + (cx.describe() if cx else ""))
    elif label is Label.UNDECIDED:
        step.kind, step.message = UNDECIDED, "equal up to a constant: undecided"
    else:
        step.message = f"equal up to a term free of {var}: {label.value}"
