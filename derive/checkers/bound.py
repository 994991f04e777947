"""Bound steps ("<="): the previous expression is at most this one.

Checked in this order:
1. instances: both sides are evaluated exactly (rationals, exact spectral norms) at random
   points at every size; a point where the previous side is larger fails the step there;
2. witness (``witness={symbol: value}`` on the step) when the step claims the bound is
   attained: at the witness the two sides must be equal, and each value must satisfy the
   declared constraint of the symbol it replaces;
3. the cited lemma: applied to one sub-expression of the previous step, in a context that is
   nondecreasing in it, it must give this step (compared by the evidence ladder).
The label is the weaker of the lemma's and the witness's evidence.  Without a matching
lemma the step is undecided, however many instances pass.
"""
import sympy as sp

from ..comparison import compare, compare_grounded
from ..domains import domain
from ..errors import ProblemError
from ..grounding import needs_sizes
from ..lemmas import ANY_LEMMA, bound_lemmas, bounds_of
from ..printing import assignments_math
from ..constraints import Constrained
from ..verdicts import Counterexample, Label, Verdict
from . import checker

READABLE_POINTS = 4
WIDE_POINTS = 4
DIGITS = 60
TINY = sp.Float("1e-45")


def sign_of(value):
    """-1, 0 or 1 for an exact real number (algebraic, with exact spectral norms), or None."""
    if value == 0:
        return 0
    if value.is_Rational:
        return 1 if value > 0 else -1
    re, im = sp.N(value, DIGITS).as_real_imag()
    if re != 0 and abs(im) <= abs(re) * TINY:  # evalf's precision is relative: tiny values keep their sign
        return 1 if re > 0 else -1
    if abs(im) > TINY:
        return None
    return 0 if sp.radsimp(sp.expand(value)) == 0 else None


def sample_value(ctx, symbol, rng, readable):
    """An exact value for a free symbol of a grounded expression, from its declared domain."""
    if symbol in ctx.domains:
        return ctx.domain_of(symbol).sample(rng, readable)
    if symbol in ctx.derivation.dimensions:
        return sp.Integer(rng.randint(2, 6 if readable else 10**6))
    while True:
        value = domain("real").sample(rng, readable)
        if value != 0 or symbol.is_zero is not False:
            return value


def _show(value):
    if isinstance(value, sp.MatrixBase):
        if value.cols == 1:
            return "(" + ", ".join(_show(e) for e in value) + ")^T"
        return "[" + ", ".join("[" + ", ".join(_show(e) for e in row) + "]" for row in value.tolist()) + "]"
    text = str(value)
    return text if value.is_Rational or len(text) <= 16 else f"{sp.N(value, 12)}"


def instance_counterexample(grounder, size, exprs, values, lhs, rhs, note):
    """A counterexample naming every quantity of ``exprs`` at the point ``values``."""
    shown = {}
    for e in exprs:
        for m in sorted({a for a in sp.preorder_traversal(e) if isinstance(a, sp.MatrixSymbol)}, key=str):
            if m in grounder.definitions or m in grounder.random:
                continue
            shown[m.name] = _show(grounder.ground(m).xreplace(values))
    scalars = {d.obj for d in grounder.derivation.of_kind("scalar")}
    shown.update({str(s): str(v) for s, v in values.items() if s in scalars})
    return Counterexample({str(k): v for k, v in size.items()}, shown, _show(lhs), _show(rhs), note)


def _sizes(ctx, *exprs):
    return ctx.sizes if any(needs_sizes(e, ctx.derivation) for e in exprs) else [{}]


def check_instances(ctx, prev, step, salt):
    """(number of points, counterexample or None, undecided reason or None)."""
    rng = ctx.rng(salt)
    shown = [ctx.derivation.written_out(prev), ctx.derivation.written_out(step)]
    count = 0
    for size in _sizes(ctx, prev, step):
        g = ctx.grounder(size)
        gl, gr = g.scalar(prev), g.scalar(step)
        symbols = sorted(gl.free_symbols | gr.free_symbols, key=str)
        for readable in [True] * READABLE_POINTS + [False] * WIDE_POINTS:
            values = {s: sample_value(ctx, s, rng, readable) for s in symbols}
            lv, rv = gl.xreplace(values), gr.xreplace(values)
            s = sign_of(rv - lv)
            if s is None:
                return count, None, f"the sign of (this step - previous) is not decidable at {assignments_math(values)}"
            count += 1
            if s < 0:
                return count, instance_counterexample(g, size, shown, values, lv, rv,
                                                      "the previous side is larger: the bound fails"), None
    return count, None, None


def check_witness(ctx, prev, step, witness, salt):
    """(label, counterexample, sizes) for the claim that the witness attains the bound."""
    prev, step = ctx.derivation.written_out(prev), ctx.derivation.written_out(step)
    sizes = _sizes(ctx, prev, step, *[v for v in witness.values() if not callable(v)])
    worst = Label.EXACT if sizes != [{}] else Label.PROVED
    for size in sizes:
        g = ctx.grounder(size)
        ints = {str(k): int(v) for k, v in size.items()}
        values = {}
        for m, v in witness.items():
            if not isinstance(m, sp.MatrixSymbol):
                raise ProblemError(f"a witness gives values to declared matrices, not to {m}")
            value = sp.ImmutableMatrix(v(ints)) if callable(v) else g.ground(v)
            if not isinstance(value, sp.MatrixBase):
                value = sp.ImmutableMatrix([[value]])
            if value.shape != (g.dim(m.rows), g.dim(m.cols)):
                return Label.FAILED, Counterexample(ints, {m.name: str(value.tolist())}, "", "",
                                                    f"the witness for {m.name} has the wrong shape"), sizes
            why = m.witness_violation(value, g) if isinstance(m, Constrained) else None
            if why:
                return Label.FAILED, Counterexample(ints, {m.name: _show(value)}, _show(value), m.constraint_text,
                                                    f"the witness is not admissible: {why}"), sizes
            values[m.xreplace(size)] = value
        pw, sw = prev.xreplace(size).xreplace(values), step.xreplace(size).xreplace(values)
        label, cx, _ = compare_grounded(ctx, g, size, g.ground(pw), g.ground(sw), salt)
        if label is Label.FAILED:
            shown = {str(k): _show(v) for k, v in values.items()}
            cx = Counterexample(ints, {**cx.values, **shown}, cx.lhs, cx.rhs,
                                "the witness does not attain the bound: the two sides differ there")
            return label, cx, sizes
        if label.strength > worst.strength:
            worst = label
    return worst, None, ([] if sizes == [{}] else sizes)


def nondecreasing_in(expr, node):
    """True when expr = a·node + b with a ≥ 0 provably (so a larger node gives a larger expr)."""
    t = sp.Dummy("t", nonnegative=True)
    f = expr.xreplace({node: t})
    if not f.has(t):
        return False
    slope = sp.diff(f, t)
    return not slope.has(t) and slope.is_nonnegative is True


def apply_lemma(ctx, lemma, prev, step, salt):
    """(label, sizes, points) when the lemma turns prev into step, else None."""
    seen = set()
    for node in sp.preorder_traversal(prev):
        if node in seen:
            continue
        seen.add(node)
        for bound in lemma.bounds(node):
            if not nondecreasing_in(prev, node):
                continue
            candidate = prev.xreplace({node: bound})
            if candidate == step:
                return Label.PROVED, [], 0
            label, _, sizes, points = compare(ctx, candidate, step, salt)
            if label.verified:
                return label, sizes, points
    return None


@checker("<=")
def check_bound(prev, step, ctx):
    """The step's verdict; the cited lemma, or with rule ``bound-by-a-lemma`` every bound lemma of
    the catalogue (the one with the strongest evidence is named in the verdict)."""
    search = step.rule == ANY_LEMMA
    lemmas = bound_lemmas() if search else [x for x in [bounds_of(step.rule)] if x is not None]
    # instances first: a point where the bound fails refutes it, whatever lemma is cited
    count, cx, undecided = check_instances(ctx, prev.expr, step.expr, step.index)
    if cx is not None:
        return Verdict(step.index, "<=", Label.FAILED, f"exact evaluation at {count} random instance(s)",
                       seed=ctx.seed, points=count, counterexample=cx)
    if undecided:
        return Verdict(step.index, "<=", Label.UNDECIDED, "exact evaluation at random instances", detail=undecided)
    if not lemmas:
        return Verdict(step.index, "<=", Label.UNDECIDED, "no bound lemma", seed=ctx.seed, points=count,
                       detail=f"{count} exact random instances satisfy the bound, but rule {step.rule!r} is not a "
                              "bound lemma of derive.lemmas: nothing shows it holds everywhere")
    parts = [f"{count} exact random instances (seed {ctx.seed}) satisfy the bound"]
    witness = step.options.get("witness")
    worst, sizes = Label.PROVED, []
    if witness:
        wlabel, wcx, wsizes = check_witness(ctx, prev.expr, step.expr, witness, step.index)
        if wlabel is Label.FAILED:
            return Verdict(step.index, "<=", Label.FAILED, "the witness was evaluated exactly",
                           sizes=wsizes, counterexample=wcx)
        worst, sizes = wlabel, wsizes
        parts.append(f"the witness attains equality ({wlabel.value})")
    found = []  # (strength, order, lemma, (label, sizes, points)) of each lemma that gives the step
    for lemma in lemmas:
        applied = apply_lemma(ctx, lemma, prev.expr, step.expr, step.index)
        if applied is not None:
            found.append((applied[0].strength, len(found), lemma, applied))
            if applied[0] is Label.PROVED:
                break
    if not found:
        detail = (f"lemma {lemmas[0].name!r} does not turn the previous expression into this one" if not search else
                  f"{count} exact random instances satisfy the bound, but no lemma of the catalogue ("
                  + ", ".join(x.name for x in lemmas) + ") turns the previous expression into this one: "
                  "nothing shows it holds everywhere")
        return Verdict(step.index, "<=", Label.UNDECIDED, "; ".join(parts) if not search else "no bound lemma",
                       seed=ctx.seed if search else None, points=count if search else 0, detail=detail)
    _, _, lemma, (label, lsizes, points) = min(found, key=lambda f: f[:2])
    parts.insert(0, f"lemma {lemma.name}" + (" (found in the catalogue)" if search else "")
                 + " applied in a nondecreasing context"
                 + (" at general size" if label is Label.PROVED else f" ({label.value})"))
    if label.strength > worst.strength:  # the weaker of the lemma's and the witness's evidence
        worst = label
    return Verdict(step.index, "<=", worst, "; ".join(parts), sizes=sizes or lsizes,
                   seed=ctx.seed if points else None, points=points)
