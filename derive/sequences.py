"""Exact normal form of a sequence of the integer index n: pieces of Z with a closed form each.

An expression (cases, unit steps, declared signals, sums over k with limits linear in n) is
expanded into guarded terms  Σ [g_1 >= 0][g_2 >= 0]... value,  each guard linear in the integer
variables.  Inside a sum over k the guards that mention k become limits on k, so the sum is
Σ_{k = max(lows)}^{min(highs)} value.  Z is then cut wherever a guard, the order of two limits
or the emptiness of a sum can change, so that on each piece every guard and every max/min is
one fixed choice; there sympy sums with symbolic n.  Only sound steps: case splits of linear
conditions on integers, exact summation with resolved limits, and term-by-term addition at
concrete n (``value_at``), which the checker uses as a second, direct route.
"""
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from .errors import Unsupported
from .fir import Cases, SignalValue, UnitStep, _evaluated

MAX_TERMS = 10_000  # a direct sum at one n adds at most this many terms


@dataclass(frozen=True)
class Deferred:
    """Σ_{var = max(lows)}^{min(highs)} body, its limits linear in the index."""
    var: sp.Symbol
    body: sp.Expr
    lows: tuple
    highs: tuple


@dataclass(frozen=True)
class Term:
    """[every guard >= 0] · value, where value may hold placeholders for deferred sums."""
    guards: tuple
    value: sp.Expr
    sums: tuple = ()  # ((placeholder, Deferred), ...)

    def times(self, other):
        return Term(self.guards + other.guards, self.value * other.value, self.sums + other.sums)


ONE = Term((), sp.S.One)
SPECIAL = (Cases, UnitStep, SignalValue, sp.Sum)


def _special(e):
    return isinstance(e, sp.Basic) and e.has(*SPECIAL)


def sequence_terms(e, definitions):
    """The guarded terms of e (a tuple, the same object for the same input: results are cached)."""
    return _cached_terms(e, tuple(sorted(definitions.items(), key=lambda kv: kv[0].__name__)))


@lru_cache(maxsize=2048)
def _cached_terms(e, definitions):
    return tuple(expand_terms(e, dict(definitions)))


def expand_terms(e, definitions):
    """Guarded terms of e; ``definitions`` maps a signal class to (index, body)."""
    if isinstance(e, Cases):
        out = []
        for lo, hi, value in e.pieces:
            guards = tuple(g for g in (e.argument - lo if lo != -sp.oo else None,
                                       hi - e.argument if hi != sp.oo else None) if g is not None)
            out += [Term(guards, sp.S.One).times(t) for t in expand_terms(value, definitions)]
        return out
    if isinstance(e, UnitStep):
        return [Term((_evaluated(e.args[0]),), sp.S.One)]
    if isinstance(e, SignalValue):
        if type(e) not in definitions:
            raise Unsupported(f"the signal {type(e).__name__} is not declared")
        var, body = definitions[type(e)]
        return expand_terms(body.xreplace({var: e.args[0]}), definitions)
    if isinstance(e, sp.Sum):
        return _sum_terms(e, definitions)
    if isinstance(e, sp.Add):
        return [t for a in e.args for t in expand_terms(a, definitions)]
    if isinstance(e, sp.Mul):
        out = [ONE]
        for a in e.args:
            out = [t.times(u) for t in out for u in expand_terms(a, definitions)]
        return out
    if isinstance(e, sp.Pow) and _special(e):
        if _special(e.exp) or not (e.exp.is_Integer and e.exp > 0):
            raise Unsupported(f"a power of a piecewise sequence with exponent {e.exp}")
        base = expand_terms(e.base, definitions)
        out = [ONE]
        for _ in range(int(e.exp)):
            out = [t.times(u) for t in out for u in base]
        return out
    if _special(e):
        raise Unsupported(f"cannot take {type(e).__name__} of a piecewise sequence apart")
    return [Term((), _evaluated(e))]


def _linear(expr, var):
    """(coefficient, rest) of an expression linear in var with an integer coefficient."""
    expr = sp.expand(expr)
    coeff = expr.coeff(var)
    rest = sp.expand(expr - coeff * var)
    if coeff.free_symbols or rest.has(var) or not coeff.is_Integer:
        raise Unsupported(f"the condition {expr} >= 0 is not linear in {var} with an integer coefficient")
    return int(coeff), rest


def _sum_terms(e, definitions):
    if len(e.limits) != 1:
        return _sum_terms(sp.Sum(sp.Sum(e.function, *e.limits[:-1]), e.limits[-1]), definitions)
    (k, lo, hi), = e.limits
    fresh = sp.Dummy(str(k), integer=True)
    out = []
    for t in expand_terms(e.function.xreplace({k: fresh}), definitions):
        if any(d.body.has(fresh) or any(b.has(fresh) for b in d.lows + d.highs) for _, d in t.sums):
            raise Unsupported("nested sums over indices that depend on each other")
        lows = [] if lo == -sp.oo else [_evaluated(lo)]
        highs = [] if hi == sp.oo else [_evaluated(hi)]
        outer = []
        for g in t.guards:
            c, rest = _linear(g, fresh)
            if c == 0:
                outer.append(g)
            elif c == 1:
                lows.append(-rest)
            elif c == -1:
                highs.append(rest)
            else:
                raise Unsupported(f"the condition {g} >= 0 bounds {k} with the coefficient {c}")
        # sums inside the body that do not involve k stay as placeholders in it; they are
        # filled in after the sum over k (the sums are resolved last-made first)
        placeholder = sp.Dummy("S")
        out.append(Term(tuple(outer), placeholder,
                        t.sums + ((placeholder, Deferred(fresh, t.value, tuple(lows), tuple(highs))),)))
    return out


# -- pieces of Z -------------------------------------------------------------------------
def _affine(expr, n):
    """(a, b) with expr = a n + b, a and b rational numbers."""
    expr = sp.expand(expr)
    if expr.free_symbols - {n}:
        raise Unsupported(f"{expr} depends on {', '.join(map(str, expr.free_symbols - {n}))} besides {n}")
    a = expr.coeff(n)
    b = sp.expand(expr - a * n)
    if not (a.is_Rational and b.is_Rational):
        raise Unsupported(f"{expr} is not linear in {n}")
    return a, b


def cut_points(terms, n):
    """Integers c such that Z split before each c leaves every choice fixed on every piece."""
    functions = []
    for t in terms:
        functions += list(t.guards)
        for _, d in t.sums:
            functions += [a - b for a in d.lows for b in d.lows]
            functions += [a - b for a in d.highs for b in d.highs]
            functions += [b - a + 1 for a in d.lows for b in d.highs]
    cuts = set()
    for f in functions:
        a, b = _affine(f, n)
        if a != 0:
            root = -b / a
            cuts.update({int(sp.ceiling(root)), int(sp.floor(root)) + 1})
    return cuts


def intervals(cuts):
    """[(lo, hi)] covering Z, split before each cut."""
    cuts = sorted(cuts)
    if not cuts:
        return [(-sp.oo, sp.oo)]
    out = [(-sp.oo, sp.Integer(cuts[0] - 1))]
    out += [(sp.Integer(a), sp.Integer(b - 1)) for a, b in zip(cuts, cuts[1:])]
    return out + [(sp.Integer(cuts[-1]), sp.oo)]


def representative(lo, hi):
    if lo != -sp.oo:
        return lo
    return hi if hi != sp.oo else sp.S.Zero


def _at(expr, n, value):
    return sp.expand(expr.xreplace({n: value}))


@lru_cache(maxsize=4096)
def closed_form(terms, n, lo, hi):
    """The sequence on [lo, hi] (a piece of ``intervals(cut_points(...))``) as one formula in n."""
    rep = representative(lo, hi)
    total = sp.S.Zero
    for t in terms:
        if any(_at(g, n, rep) < 0 for g in t.guards):
            continue
        value = t.value
        for placeholder, d in reversed(t.sums):  # outer sums first: their closed forms hold inner placeholders
            low = max(d.lows, key=lambda e: _at(e, n, rep)) if d.lows else -sp.oo
            high = min(d.highs, key=lambda e: _at(e, n, rep)) if d.highs else sp.oo
            if d.lows and d.highs and _at(high, n, rep) < _at(low, n, rep):
                value = value.xreplace({placeholder: sp.S.Zero})
                continue
            s = _sum(d.body, d.var, low, high)
            if s.has(sp.Sum, sp.Piecewise, sp.oo, -sp.oo, sp.zoo, sp.nan):
                raise Unsupported(f"sympy cannot sum {d.body} over {d.var} from {low} to {high} in closed form")
            value = value.xreplace({placeholder: s})
        total += value
    return total


def _sum(body, k, low, high):
    """Σ_{k=low}^{high} body for high >= low - 1: a geometric sum by its formula, else sympy."""
    coeff, rest = sp.S.One, sp.S.One
    for factor in sp.Mul.make_args(sp.expand(body, power_exp=True)):
        if not factor.has(k):
            coeff *= factor
        else:
            rest *= factor
    base, exp = rest.as_base_exp()
    if rest == 1:
        q = sp.S.One
    elif base.is_Rational and exp.is_polynomial(k) and sp.degree(exp, k) == 1:
        a, b = sp.Poly(exp, k).all_coeffs()
        if not a.is_Integer:
            return sp.summation(body, (k, low, high))
        coeff, q = coeff * base ** b, base ** a
    else:
        return sp.summation(body, (k, low, high))
    if low in (-sp.oo, sp.oo) or high in (-sp.oo, sp.oo):
        return sp.summation(body, (k, low, high))
    if q == 1:
        return coeff * (high - low + 1)
    return coeff * (q ** low - q ** (high + 1)) / (1 - q)


@lru_cache(maxsize=65536)
def value_at(terms, n, value):
    """The sequence at one integer, every sum added term by term (exact)."""
    value = int(value)
    total = Fraction(0)
    for t in terms:
        if any(_exact(g, {n: value}) < 0 for g in t.guards):
            continue
        env = {n: value}
        for placeholder, d in t.sums:  # inner sums first: an outer body refers to their values
            if not (d.lows and d.highs):
                raise Unsupported(f"the sum over {d.var} is infinite at {n} = {value}")
            low = max(_exact(e, env) for e in d.lows)
            high = min(_exact(e, env) for e in d.highs)
            if high - low > MAX_TERMS:
                raise Unsupported(f"the sum over {d.var} has more than {MAX_TERMS} terms at {n} = {value}")
            env[placeholder] = sum((_exact(d.body, {**env, d.var: i}) for i in range(int(low), int(high) + 1)),
                                   Fraction(0))
        total += _exact(t.value, env)
    return sp.Rational(total.numerator, total.denominator)


def _exact(e, env):
    """e evaluated in exact rational arithmetic, the symbols taken from env."""
    if e.is_Symbol or isinstance(e, sp.Dummy):
        if e not in env:
            raise Unsupported(f"{e} has no value here")
        return Fraction(env[e])
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if e.is_Add:
        return sum((_exact(a, env) for a in e.args), Fraction(0))
    if e.is_Mul:
        out = Fraction(1)
        for a in e.args:
            out *= _exact(a, env)
        return out
    if e.is_Pow:
        base, exp = _exact(e.base, env), _exact(e.exp, env)
        if exp.denominator != 1:
            raise Unsupported(f"the power {e} is not rational here")
        return base ** int(exp)
    raise Unsupported(f"cannot evaluate {type(e).__name__} exactly: {e}")


def canonical(expr):
    """Rational powers split into prime powers and expanded, so equal closed forms match."""
    def split(p):
        base, exp = p.as_base_exp()
        out = sp.S.One
        if base < 0:
            out, base = (-1) ** exp, -base
        for prime, mult in sp.factorint(base.p).items():
            out *= sp.Pow(prime, mult * exp)
        for prime, mult in sp.factorint(base.q).items():
            out *= sp.Pow(prime, -mult * exp)
        return out
    expr = expr.replace(lambda e: e.is_Pow and e.base.is_Rational and e.base not in (0, 1, -1)
                        and not e.exp.is_Integer, split)
    return sp.expand(expr, power_exp=True, power_base=True, mul=True)


def is_zero(expr):
    """Sound: True only when the difference reduces to 0."""
    expr = sp.sympify(expr)
    if expr.is_Rational:  # the common case, values at integers: no rewriting needed
        return expr == 0
    e = canonical(expr)
    return e == 0 or sp.cancel(sp.together(e)) == 0
