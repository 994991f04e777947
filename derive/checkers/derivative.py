"""Derivative steps: the step writes out derivatives ∂f/∂v that the previous step contains.

Both sides are grounded at concrete sizes (every dimension ≥ 2, a non-square shape): each
∂f/∂v becomes the exact derivative of the declared forward map (backprop.py), the loss
entering as L = Σ_a g_a y_a with symbolic upstream gradients g = ∂L/∂y (exact for first
derivatives).  The difference is reduced to 0 by cancel once each radicand is made
manifestly positive (ε = s² − σ², s > 0) and the difference computed in the field of rational
functions; else by expand/cancel; else a point separates them.
"""
import sympy as sp
from sympy.polys.fields import sfield

from ..calculus import Partial
from ..comparison import at_planned_sizes, compare_grounded, reduce_zero
from ..errors import Unsupported
from ..rules import register_rule
from ..verdicts import Label, Verdict
from . import checker

register_rule("chain-rule", "multivariable chain rule: add up, over every path from the variable to "
              "the function, the product of the derivatives along it", ("derivative",))
register_rule("local-derivatives", "differentiate each node of the forward map with respect to its "
              "own inputs", ("derivative",))
register_rule("sum-against-delta", "a sum against the Kronecker delta keeps only the term whose index "
              "matches", ("=",))

METHOD = ("each ∂ taken exactly (sympy.diff) through the declared forward map, grounded with "
          "symbolic entries; difference reduced to 0 as a rational function")


def informative(sizes, dims):
    """Sizes that can tell 1/n from 1/n² and X from its transpose."""
    big = [s for s in sizes if all(s.get(d, 2) >= 2 for d in dims)]
    if not big:
        return False
    return len(dims) < 2 or any(len({s[d] for d in dims if d in s}) > 1 for s in big)


def positive_radicands(diff, positive):
    """diff with each radicand R = rest + ε (ε > 0 declared) written as s², s > 0; None if
    there is more than one radicand (one ε cannot serve two)."""
    radicands = {p.base for p in diff.atoms(sp.Pow) if not p.exp.is_Integer}
    if not radicands:
        return diff
    if len(radicands) > 1:
        return None
    (base,) = radicands
    for eps in sorted(positive & base.free_symbols, key=str):
        rest = base - eps
        if eps not in rest.free_symbols:
            s = sp.Dummy("s", positive=True)
            return diff.xreplace({eps: s ** 2 - rest})
    return None


def vanishes(diff, positive):
    """True only when sound rewriting shows diff == 0."""
    if diff == 0:
        return True
    rational = positive_radicands(diff, positive)
    if rational is not None:
        try:  # exact arithmetic in the field of rational functions: fast, and 0 only if identically 0
            return sfield(rational)[1] == 0
        except (sp.PolynomialError, sp.CoercionFailed, ValueError):
            pass
    return reduce_zero(diff)


def _as_matrix(g):
    return g if isinstance(g, sp.MatrixBase) else sp.ImmutableMatrix([[g]])


def compare_exact(ctx, grounder, size, left, right, salt):
    """(label, counterexample, points) for two grounded values, radicands handled as above."""
    left, right = _as_matrix(left), _as_matrix(right)
    if left.shape != right.shape:
        return compare_grounded(ctx, grounder, size, left, right, salt)
    pairs = list(zip(left, right))
    positive = {s for s, dom in ctx.domains.items() if dom.name == "positive"}
    open_pairs = [(a, b) for a, b in pairs if not vanishes(a - b, positive)]
    if not open_pairs:
        return Label.EXACT, None, 0
    a, b = zip(*open_pairs)
    label, cx, points = compare_grounded(ctx, grounder, size, sp.ImmutableMatrix(a), sp.ImmutableMatrix(b), salt)
    if cx is not None and len(open_pairs) < len(pairs):
        cx.note = (cx.note + "; " if cx.note else "") + "showing the entries that differ"
    return label, cx, points


@checker("derivative", symbol="=")
def check_derivative(prev, step, ctx):
    if not prev.expr.has(Partial):
        raise Unsupported("a derivative step writes out derivatives of the previous step, which has none")
    dims = ctx.derivation.dimensions
    if not informative(ctx.sizes, dims):
        raise Unsupported(f"derivative steps need a size with every dimension ≥ 2 and a non-square "
                          f"one; the sizes are {ctx.sizes}")
    def exact_at(size):
        g = ctx.grounder(size)
        return compare_exact(ctx, g, size, g.ground(prev.expr), g.ground(step.expr), step.index)

    out = at_planned_sizes(ctx, prev.expr, step.expr, exact_at, step.index)
    if out.label is Label.FAILED:
        return Verdict(step.index, "derivative", out.label, "the two sides differ at a point",
                       sizes=[out.failed_at], seed=ctx.seed, counterexample=out.cx)
    if out.label is Label.UNDECIDED:
        return Verdict(step.index, "derivative", out.label, METHOD, sizes=out.exact, sampled=out.sampled,
                       argument=out.argument, detail=out.problem or "no point decided the step")
    method = METHOD if out.label is Label.EXACT else \
        METHOD.replace("reduced to 0 as a rational function", "checked at random points")
    return Verdict(step.index, "derivative", out.label, method, sizes=out.exact, sampled=out.sampled,
                   argument=out.argument, seed=ctx.seed if out.points else None, points=out.points)
