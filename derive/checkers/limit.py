"""Limit steps: the previous step is lim_{n→∞} F, the step is its value.

What the limit assumes is declared on the limit itself: each quantity declared bounded
(such as Σ_j g_j) becomes a symbol b; each declared to grow like r(n) becomes c·r(n) with c
bounded; entries with fixed indices (g_i) are taken as bounded too, and the verdict says so.
F must then be a polynomial in these bounded symbols with coefficients in n and constants;
sympy.limit takes each coefficient's limit.  F − Σ lim(c_α)·b^α → 0 then holds for any
bounded values, not only constant ones, so the verdict is a proof under the declared
assumptions.  A sum left undeclared, or a non-polynomial F, is undecided, never passed.
"""
import sympy as sp

from ..calculus import At, Entries, Entry, Lim, Partial
from ..errors import Unsupported
from ..printing import formula, latex
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker

register_rule("bounded-over-n", "a bounded quantity divided by n tends to 0 as n grows", ("limit",))

TRIES = 12


def _strip(e):
    return e.expr if isinstance(e, Entries) else e


def describe(q):
    """A quantity in words, for verdicts: a sum as 'the sum of g_j over j'."""
    if isinstance(q, sp.Sum):
        return f"the sum of {q.function} over {', '.join(str(lim[0]) for lim in q.limits)}"
    return str(q)


def _bounded_symbols(lim, exprs):
    """exprs with the declared quantities and fixed entries replaced by bounded symbols;
    also the symbols, their names for a counterexample, and the assumptions in words."""
    n = lim.variable
    subs, names, assumed = {}, {}, []
    for number, q in enumerate(lim.bounded, 1):
        b = sp.Symbol(f"b{number}", real=True)
        subs[q], names[b] = b, describe(q)
        assumed.append(f"{formula(q)} bounded")
    for number, (q, rate) in enumerate(lim.grows.items(), 1):
        c = sp.Symbol(f"c{number}", real=True)
        subs[q], names[c] = c * rate, f"({describe(q)})/({rate})"
        assumed.append(f"{formula(q)} growing like {formula(rate)}")
    exprs = [e.xreplace(subs) for e in exprs]
    entries = set().union(*(e.atoms(Entry) for e in exprs))
    fixed = {}
    for entry in entries:
        if any(n in sp.sympify(a).free_symbols for a in entry.indices):
            raise Unsupported(f"the entry {entry} moves with {n}: declare what it does as {n} grows")
        fixed[entry] = sp.Symbol(str(entry), real=True)
        names[fixed[entry]] = str(entry)
        assumed.append(f"{formula(entry)} bounded")
    exprs = [e.xreplace(fixed) for e in exprs]
    for e in exprs:
        if e.has(sp.Sum, Partial, At, Lim, Entry, sp.Indexed):
            raise Unsupported(f"cannot take the limit of {e}: declare which quantities stay bounded")
    return exprs, list(names), names, assumed


def _limit(F, n, gens):
    """Σ lim(c_α)·b^α for F = Σ c_α(n)·b^α; raises Unsupported where sympy has no answer."""
    try:
        poly = sp.Poly(sp.expand(F), *gens) if gens else None
    except sp.PolynomialError:
        raise Unsupported(f"{F} is not a polynomial in the bounded quantities {gens}") from None
    terms = poly.terms() if poly is not None else [((), F)]
    value, divergent = sp.S.Zero, []
    for monomial, coeff in terms:
        lc = sp.limit(coeff, n, sp.oo)
        if lc.has(sp.Limit) or isinstance(lc, sp.AccumBounds) or lc is sp.nan:
            raise Unsupported(f"sympy finds no limit of {coeff} as {n} → ∞")
        term = sp.Mul(*[g ** k for g, k in zip(gens, monomial)])
        if lc.has(sp.oo, -sp.oo, sp.zoo):
            divergent.append(coeff * term)
        value += lc * term
    return value, divergent


def _point(ctx, symbols, rng):
    return {s: ctx.domain_of(s).sample(rng, readable=True) for s in sorted(symbols, key=str)}


def _false_assumption(lim):
    """A declared-bounded (or declared-growing) quantity with a closed form in n alone that
    does not behave as declared: (quantity, its closed form, what it does)."""
    n = lim.variable
    claims = [(q, sp.S.One) for q in lim.bounded] + list(lim.grows.items())
    for q, rate in claims:
        value = q.doit() if isinstance(q, sp.Basic) else q
        if value.has(sp.Sum, Entry, sp.Indexed) or not value.free_symbols <= {n}:
            continue  # depends on other quantities: an assumption, shown in the label
        try:
            ratio = sp.limit(value / rate, n, sp.oo)
        except (NotImplementedError, ValueError, TypeError):
            continue
        if ratio.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or isinstance(ratio, sp.AccumBounds):
            return q, value, "grows without bound" if lim.bounded and q in lim.bounded else f"grows faster than {rate}"
        if q not in lim.bounded and ratio == 0:
            return q, value, f"grows slower than {rate}"
    return None


def _infinite(step, F, V, n, gens):
    """A written value of +∞ or −∞: sympy.limit of F itself (no bounded quantity may occur, as the
    sign of a divergence would then depend on its values)."""
    if gens:
        raise Unsupported("a limit claimed infinite with quantities declared bounded in it: its sign "
                          "would depend on their values")
    method = rf"sympy.limit as ${latex(n)} \to \infty$"
    truth = sp.limit(F, n, sp.oo)
    if truth.has(sp.Limit) or isinstance(truth, sp.AccumBounds) or truth is sp.nan:
        raise Unsupported(f"sympy finds no limit of {F} as {n} → ∞")
    if truth == V:
        return Verdict(step.index, "limit", Label.PROVED, method)
    cx = Counterexample({}, {}, str(truth), str(V), f"the limit as {n} → ∞ is {truth}, not {V}")
    return Verdict(step.index, "limit", Label.FAILED, method, counterexample=cx)


@checker("limit", symbol="=")
def check_limit(prev, step, ctx):
    lim = prev.expr
    if not isinstance(lim, Lim):
        raise Unsupported("a limit step needs the previous step written as a limit, Lim(expr, n, bounded=...)")
    n = lim.variable
    wrong = _false_assumption(lim)
    if wrong is not None:
        q, value, what = wrong
        try:
            truth = str(sp.limit(_strip(lim.inner).doit(), n, sp.oo))
        except (NotImplementedError, ValueError, TypeError):
            truth = "not computed"
        cx = Counterexample({}, {describe(q): str(value)}, truth, str(_strip(step.expr)),
                            f"{describe(q)} is declared bounded but equals {value}, which {what}")
        return Verdict(step.index, "limit", Label.FAILED, "the declared assumption checked from its closed form",
                       counterexample=cx)
    (F, V), gens, names, assumed = _bounded_symbols(lim, [_strip(lim.inner), _strip(step.expr)])
    if V in (sp.oo, -sp.oo):
        return _infinite(step, F, V, n, gens)
    value, divergent = _limit(F, n, gens)
    assuming = f", assuming {', '.join(assumed)}" if assumed else ""
    method = rf"sympy.limit of each coefficient as ${latex(n)} \to \infty$"
    if not divergent and sp.expand(value - V) == 0:
        return Verdict(step.index, "limit", Label.PROVED, method, assumptions=assumed)
    rng = ctx.rng(step.index)
    note = f"limit as {n} → ∞{assuming}" + (f"; diverges through {divergent}" if divergent else "")
    for _ in range(TRIES):
        point = _point(ctx, (value.free_symbols | V.free_symbols) - {n}, rng)
        lhs, rhs = value.xreplace(point), V.xreplace(point)
        if divergent or sp.simplify(lhs - rhs) != 0:
            cx = Counterexample({}, {names.get(s, str(s)): v for s, v in point.items()}, str(lhs), str(rhs), note)
            return Verdict(step.index, "limit", Label.FAILED, method, seed=ctx.seed, counterexample=cx)
    return Verdict(step.index, "limit", Label.UNDECIDED, method,
                   detail="the limit and the step differ symbolically, yet no point separates them")
