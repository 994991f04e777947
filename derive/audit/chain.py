"""Check a written chain step by step with the engine's checkers: the audit's verdicts as data.

Each written step is read against the declarations (parser.py); the first well-formed step
starts the chain, and every later well-formed step is checked against the last well-formed
one by the checker of its relation, exactly as a problem file's step would be.  A step that
does not read is ``unparsed``, one whose shapes do not fit ``ill-formed``; checking goes on.
A step that reads identical to its predecessor is accepted: written chains restate.
A chain with a free index (∂L/∂w_k = …, k declared in ``indices``) is a claim for every value
of it: each step is the engine's ``over((k, d))`` of its formula.  Derivatives and gradients
are checked by the equality checker, which grounds them (exact differentiation) at the sizes
its size rule asks for.  An "=" step after a step that is a limit (lim_{n→∞} f, derive.Lim) and
that is itself free of limits is the limit's value: the engine's "limit" relation and checker.
"""
import re
from dataclasses import dataclass, replace

import sympy as sp

from ..calculus import Lim
from ..checking import check_step
from ..comparison import Context
from ..errors import DeriveError, ProblemError, ShapeMismatch
from ..lemmas import ANY_LEMMA
from ..verdicts import Label
from .parser import IllFormed, Unparsed

# written relation -> (engine relation, rule cited); ≥ and > are checked as ≤ with the sides swapped;
# ≈ and ∝ are decided here (numerically to the written precision; a ratio free of the declared variable)
RELATIONS = {"=": ("=", "algebra"), "substitute": ("substitute", "change-of-variables"),
             "<=": ("<=", ANY_LEMMA), "<": ("<=", ANY_LEMMA),
             ">=": ("<=", ANY_LEMMA), ">": ("<=", ANY_LEMMA),
             "approx": ("=", "algebra"), "propto": ("=", "algebra")}
LIMIT_RULE = ("written-limit", r"the value of a limit as written, $\lim_{n \to \infty} f(n) = L$: checked by the engine's "
              "limit checker (sympy.limit of each coefficient)")
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


def audit_chain(decl, written, lines=None, time_limit=None, tags=None):
    """Verdicts of a written chain: ``written`` is [(tex, relation)], the first relation None;
    ``time_limit``: seconds per step (None: the engine's default); ``tags``: each step's \\tag,
    so that a bound the declarations claim attained (``attained: {tag: {x: value}}``) is checked
    at that witness too."""
    from ..derivation import Derivation
    base = decl.derivation
    D = Derivation(base.name, base.title, base.source, base.statement)
    D.declared = list(base.declared)
    D.assumptions = list(base.assumptions)
    D.rule(*LIMIT_RULE, relations=("limit",))
    reader = decl.reader()
    tex_at = {}  # engine step index -> its LaTeX as written
    out, checked = [], []  # checked: (AuditStep, index of its engine step)
    consts, previous_const = set(), False  # indices of steps equal to their predecessor up to "+ const"
    readings = []
    for tex, _ in written:
        try:
            readings.append(reader.parse(tex))
        except (Unparsed, IllFormed, ShapeMismatch) as exc:
            readings.append(exc)
    each = _for_every(decl, readings)
    for index, (tex, relation) in enumerate(written):
        line = lines[index] if lines else None
        parsed = readings[index]
        if isinstance(parsed, Unparsed):
            out.append(AuditStep(index, tex, relation, UNPARSED, str(parsed), line=line))
            continue
        if isinstance(parsed, Exception):
            out.append(AuditStep(index, tex, relation, ILL_FORMED, str(parsed), line=line))
            continue
        try:
            expr = _assuming_bounded(decl, each(parsed.expr))
        except (ProblemError, ShapeMismatch) as exc:
            out.append(AuditStep(index, tex, relation, ILL_FORMED, str(exc), line=line))
            continue
        if not D.steps:
            D.definition(expr)
            tex_at[0] = tex
            previous_const = parsed.const
            out.append(AuditStep(index, tex, relation, START, "the chain starts here", line=line))
            continue
        up_to_const, previous_const = parsed.const or previous_const, parsed.const
        if up_to_const and decl.const is None:
            out.append(AuditStep(index, tex, relation, UNPARSED, "+ const: declare its variable (const: w)", line=line))
            continue
        if relation == "propto" and decl.const is None:
            out.append(AuditStep(index, tex, relation, UNPARSED, "∝: declare its variable (const: w)", line=line))
            continue
        if relation not in RELATIONS:
            out.append(AuditStep(index, tex, relation, UNPARSED, f"the relation {relation!r} is not read in "
                                                                 f"audit mode yet", line=line))
            continue
        engine_relation, rule = RELATIONS[relation]
        if relation == "=" and isinstance(D.steps[-1].expr, Lim) and not _has_limit(expr):
            engine_relation, rule = "limit", LIMIT_RULE[0]  # lim_{n→∞} f(n) = L: the engine's limit step
        options = {"replace": dict(decl.substitutions)} if engine_relation == "substitute" else {}
        tag = tags[index] if tags and index < len(tags) else None
        if engine_relation == "<=" and tag is not None and str(tag) in decl.attained:
            options["witness"] = decl.attained[str(tag)]  # the bound is claimed attained there
        try:
            D.step(expr, engine_relation, rule, **options)
        except ProblemError as exc:
            out.append(AuditStep(index, tex, relation, ILL_FORMED, str(exc), line=line))
            continue
        tex_at[len(D.steps) - 1] = tex
        step = AuditStep(index, tex, relation, VALID, line=line)
        out.append(step)
        checked.append((step, len(D.steps) - 1))
        if up_to_const:
            consts.add(len(D.steps) - 1)
    moved = _moved_copy(D, decl.const) if consts or any(s.relation == "propto" for s, _ in checked) else None
    ctx = Context(D)
    for step, k in checked:
        prev, this = D.steps[k - 1], D.steps[k]
        if k in consts:
            _check_up_to_constant(step, prev.expr, this.expr, decl.const, moved, ctx)
            continue
        if this.expr == prev.expr:
            step.message = "restates the previous step"
            continue
        if step.relation == "approx":
            _check_approximately(step, prev, this, tex_at.get(k - 1, ""), ctx)
            continue
        if step.relation == "propto":
            _check_proportional(step, prev.expr, this.expr, decl.const, moved or _moved_copy(D, decl.const), ctx)
            continue
        if step.relation in (">=", ">"):  # a ≥ b is b ≤ a
            prev, this = replace(prev, expr=this.expr), replace(this, expr=prev.expr)
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
        elif step.relation in ("<", ">"):
            step.kind = UNDECIDED
            step.message = "the non-strict bound holds (" + verdict.label.value + "); strictness is not checked"
        else:
            step.message = verdict.evidence() if hasattr(verdict, "evidence") else verdict.label.value
    return out


def _assuming_bounded(decl, expr):
    """A limit with the declared ``bounded`` quantities it contains as its assumptions (checked
    by the limit checker where they have a closed form, otherwise shown in the verdict)."""
    if not isinstance(expr, Lim) or not decl.bounded:
        return expr
    found = [q for q in decl.bounded if expr.inner.has(q)]
    return Lim(expr.inner, expr.variable, tuple(expr.bounded) + tuple(q for q in found if q not in expr.bounded),
               expr.grows) if found else expr


def _has_limit(expr):
    return any(isinstance(e, Lim) for e in sp.preorder_traversal(expr))


def _for_every(decl, readings):
    """The claim "for every value of the chain's free indices": the engine's over(...)."""
    from ..calculus import over
    free = []
    for r in readings:
        for s in getattr(r, "free", ()):
            if s not in free:
                free.append(s)
    if not free:
        return lambda expr: expr
    free.sort(key=lambda s: list(decl.indices).index(s.name))
    claim = over(*[(s, decl.indices[s.name][1]) for s in free])

    def each(expr):
        if isinstance(expr, Lim):  # the limit of the formula for every index: Lim(over(...)(f), n)
            return Lim(each(expr.inner), expr.variable, expr.bounded, expr.grows)
        if getattr(expr, "is_Matrix", False):
            if expr.shape != (1, 1):
                raise ShapeMismatch(f"the chain holds for every {', '.join(map(str, free))}, but this step is a "
                                    f"{expr.shape[0]}×{expr.shape[1]} matrix, not a scalar formula")
            expr = expr[0, 0]
        return claim(expr)
    return each


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


_DECIMAL = re.compile(r"(?<![\d.])(\d*)\.(\d+)")
APPROX_POINTS = 4


def _written_precision(*texs):
    """Half a unit in the last written digit, relative to the number written: the tolerance a
    written decimal claims (0.35 claims ±0.005, 1.4 % of it), of the coarsest number written.  None when no decimal is written."""
    tolerances = []
    for tex in texs:
        for whole, frac in _DECIMAL.findall(tex):
            value = float(f"{whole or 0}.{frac}")
            if value:
                tolerances.append(0.5 * 10.0 ** -len(frac) / value)
    return max(tolerances) if tolerances else None  # a claim is as precise as its coarsest number


def _check_approximately(step, prev, this, prev_tex, ctx):
    """a ≈ b: equal to the precision of the decimals written, in floating point at random points
    of every declared domain, at the engine's sizes; labelled numerically checked."""
    from ..comparison import _entries
    from ..verdicts import Counterexample, Verdict
    tol = _written_precision(prev_tex, step.tex)
    if tol is None:
        step.kind = UNDECIDED
        step.message = "≈ with no written decimal: the precision it claims is not stated"
        return
    rng = ctx.rng(step.index + 613)
    for size in ctx.sizes:
        g = ctx.grounder(size)
        try:
            a, b = _entries(g.ground(prev.expr)), _entries(g.ground(this.expr))
        except (ShapeMismatch, ProblemError) as exc:
            step.kind, step.message = ILL_FORMED, str(exc)
            return
        if len(a) != len(b):
            step.kind, step.message = ILL_FORMED, "the two sides have different shapes"
            return
        symbols = sorted(set().union(*(x.free_symbols for x in a + b)), key=str)
        for trial in range(APPROX_POINTS):
            point = {x: ctx.domain_of(x).sample(rng, trial < 2) for x in symbols}
            for x, y in zip(a, b):
                fx, fy = complex(sp.N(x.xreplace(point), 30)), complex(sp.N(y.xreplace(point), 30))
                if abs(fx - fy) > tol * max(abs(fx), abs(fy)):
                    shown = {str(k): str(v) for k, v in point.items()}
                    cx = Counterexample({str(k): v for k, v in size.items()}, shown, f"{fx.real:.10g}", f"{fy.real:.10g}",
                                        f"they differ by more than the written precision (relative {tol:g})")
                    step.kind, step.message = INVALID, cx.describe()
                    step.verdict = Verdict(step.index, "approx", Label.FAILED, "floating point at random points",
                                           sizes=ctx.sizes, seed=ctx.seed, counterexample=cx)
                    return
    step.verdict = Verdict(step.index, "approx", Label.NUMERIC,
                           f"floating point at random points: equal to the written precision (relative {tol:g})",
                           sizes=ctx.sizes, seed=ctx.seed, points=APPROX_POINTS * len(ctx.sizes))
    step.message = step.verdict.evidence() if hasattr(step.verdict, "evidence") else Label.NUMERIC.value


def _check_proportional(step, a, b, var, moved, ctx):
    """a ∝ b in var: the ratio a / b is free of var (the same at an independent copy of var)."""
    if getattr(a, "is_Matrix", False) or getattr(b, "is_Matrix", False):
        step.kind, step.message = UNDECIDED, "∝ is read between scalars"
        return
    from ..checking import STEP_TIMEOUT, _time_limit
    from ..comparison import compare
    ratio = a / b
    try:
        with _time_limit(STEP_TIMEOUT):
            result = compare(ctx, ratio, ratio.xreplace({var: moved}), salt=step.index)
    except Exception as exc:  # noqa: BLE001 (a time-out or an unsupported object: undecided, never a pass)
        step.kind, step.message = UNDECIDED, f"proportional: {type(exc).__name__} {exc}"
        return
    if result[0] is Label.FAILED:
        step.kind = INVALID
        step.message = f"the ratio of the two sides depends on {var}: " + (result[1].describe() if result[1] else "")
    elif result[0] is Label.UNDECIDED:
        step.kind, step.message = UNDECIDED, "proportional: undecided"
    else:
        step.message = f"the ratio is free of {var}: {result[0].value}"
