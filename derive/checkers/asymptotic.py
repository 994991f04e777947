"""Asymptotic-growth steps: f = Θ(g) as n → ∞, every other quantity held fixed.

Checked by ``sympy.limit`` of f(n)/g(n): a finite, nonzero limit (for every value of the
other parameters allowed by their declared signs) proves f = Θ(g).  A limit of 0 or ∞ is a
wrong growth rate, reported with the values of f and g at large n; a limit sympy cannot take
(no limit, oscillation) or a sign it cannot decide is undecided, never passed.
"""
import math

import sympy as sp

from ..domains import domain
from ..errors import Unsupported
from ..mathobjects import Theta
from ..printing import latex
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker

register_rule("growth-rate", "f = Θ(g): f(n)/g(n) tends to a finite nonzero limit as n → ∞, "
                             "everything else fixed", ("asymptotic",))

LARGE = (10**3, 10**6)  # where a wrong growth rate is shown
SANITY_N = 10**12  # the ratio there must lie within a factor 2 of the limit
SANITY_POINTS = 4


def _scalar_of(expr):
    """The scalar an asymptotic claim is about: a statement 'for every entry' whose value is
    the same in every entry counts as that value."""
    as_scalar = getattr(expr, "_derive_as_scalar", None)
    if as_scalar is not None:
        body = as_scalar()
        if body is None:
            raise Unsupported("the previous step depends on the entry indices; state a growth per entry")
        return body
    if getattr(expr, "is_Matrix", False):
        raise Unsupported("the growth rate of a matrix")
    return expr


def _require_formula(expr):
    """Only closed formulas in n: a sum, expectation or other object would hide how it depends on n."""
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul, sp.Pow,
                                 sp.Function)) or isinstance(node, sp.Dummy):
            raise Unsupported(f"the growth of {expr} needs a closed formula; {type(node).__name__} "
                              "hides how it depends on the variable")


def _domain(ctx, sym):
    if sym in ctx.derivation.dimensions:
        return domain("dimension")
    return ctx.domain_of(sym)


def _is_degenerate(value):
    return value == 0 or value.has(sp.oo, -sp.oo, sp.zoo)


def _limit(ratio, var):
    t = sp.Dummy("t", positive=True)
    try:
        value = sp.limit(ratio.xreplace({var: t}), t, sp.oo)
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise Unsupported(f"sympy cannot take the limit of {ratio}: {exc}") from None
    if value.has(sp.Limit, sp.AccumBounds, sp.nan):
        raise Unsupported(f"f/g has no limit sympy can find as {var} → ∞ ({value})")
    return value


def _wrong_growth(index, f, g, var, value, params):
    ratios = [sp.N((f / g).xreplace({var: N, **params}), 4) for N in LARGE]
    trend = ", ".join(f"{r} at {var}={N}" for r, N in zip(ratios, LARGE))
    if value.has(sp.zoo):
        how = "is undefined here (a division by zero)"
    else:
        how = ("grows more slowly than " if value == 0 else "grows faster than ") + str(g)
    show = lambda e: str(sp.N(e.xreplace({var: LARGE[-1], **params}), 8))  # noqa: E731
    cx = Counterexample({str(var): LARGE[-1]}, {str(k): v for k, v in params.items()}, show(f), show(g),
                        f"f/g = {trend}; its limit is {value}: the previous side {how}")
    return Verdict(index, "asymptotic", Label.FAILED,
                   f"sympy.limit: the previous side divided by ${latex(g)}$ tends to ${latex(value)}$ as "
                   rf"${latex(var)} \to \infty$",
                   counterexample=cx)


def _points(ctx, symbols, salt, readable):
    rng = ctx.rng(salt)
    return [{s: _domain(ctx, s).sample(rng, readable) for s in sorted(symbols, key=str)}
            for _ in range(SANITY_POINTS)]


def _allowed(ctx, sym, value):
    """Whether ``value`` lies in the declared domain of ``sym``."""
    if not value.is_real or value.free_symbols:
        return False
    name = _domain(ctx, sym).name
    return {"dimension": value.is_integer and value >= 1, "positive": value > 0, "nonnegative": value >= 0,
            "probability": 0 < value < 1}.get(name, True)


def _degenerate_point(ctx, value, params, samples):
    """Parameter values where the limit is 0 or infinite: roots and poles first, then samples."""
    base = samples[0] if samples else {}
    zeros, poles = sp.fraction(sp.together(value))
    for p in sorted(value.free_symbols, key=str):
        for target in (zeros, poles):
            try:
                roots = sp.solve(target, p)
            except (NotImplementedError, TypeError, ValueError):
                roots = []
            for root in roots:
                if _allowed(ctx, p, sp.sympify(root)):
                    point = {**base, p: root}
                    if _is_degenerate(value.xreplace(point)):
                        return point
    for point in samples:
        if _is_degenerate(value.xreplace(point)):
            return point
    return None


@checker("asymptotic", symbol=r"\in")
def check_growth(prev, step, ctx):
    claim = step.expr
    if not isinstance(claim, Theta):
        raise Unsupported("an asymptotic step states Θ(g); got " + str(claim))
    f, g, var = _scalar_of(prev.expr), claim.growth, claim.var
    _require_formula(f)
    _require_formula(g)
    value = _limit(f / g, var)
    params = sorted((f.free_symbols | g.free_symbols) - {var}, key=str)
    readable = _points(ctx, params, step.index, True)
    if _is_degenerate(value):
        return _wrong_growth(step.index, f, g, var, value, readable[0])
    if not (value.is_finite and value.is_zero is False):
        point = _degenerate_point(ctx, value, params, readable + _points(ctx, params, step.index + 1, False))
        if point is None:
            raise Unsupported(f"cannot show that the limit {value} of f/g is finite and nonzero "
                              "for every value of the parameters")
        return _wrong_growth(step.index, f, g, var, value.xreplace(point), point)
    for point in readable:
        exact = sp.N(value.xreplace(point), 15)
        far = sp.N((f / g).xreplace({var: SANITY_N, **point}), 15)
        if not (far.is_finite and exact != 0 and sp.Rational(1, 2) <= abs(far / exact) <= 2):
            raise Unsupported(f"sympy's limit {value} disagrees with f/g = {far} at {var} = {SANITY_N}")
    n = latex(var)
    return Verdict(step.index, "asymptotic", Label.PROVED,
                   f"sympy.limit: the previous side divided by ${latex(g)}$ tends to ${latex(value)}$ as "
                   rf"${n} \to \infty$, finite and nonzero for all values of the other quantities (by their "
                   f"declared signs); the ratio at ${n} = 10^{{{round(math.log10(SANITY_N))}}}$ is within a factor 2 "
                   f"of it at {SANITY_POINTS} points", seed=ctx.seed)
