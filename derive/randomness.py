"""Declared distributions and the engine's expectation: expand into a polynomial in the
random entries and replace each monomial by the product of its moments (independence).
The author never states a moment; the distribution object computes it."""
from dataclasses import dataclass

import sympy as sp

from .errors import Unsupported


@dataclass(frozen=True)
class Bernoulli:
    p: sp.Expr

    def moment(self, k):
        return sp.S.One if k == 0 else self.p

    def latex(self, printer):
        return rf"\operatorname{{Bernoulli}}\left({printer(self.p)}\right)"


@dataclass(frozen=True)
class Normal:
    mean: sp.Expr
    variance: sp.Expr

    def moment(self, k):
        # E[(m + s Z)^k] with Z standard normal: odd moments of Z vanish, even ones are (j-1)!!
        m, v = sp.sympify(self.mean), sp.sympify(self.variance)
        return sp.expand(sum(sp.binomial(k, j) * m ** (k - j) * v ** (j // 2) * sp.factorial2(j - 1)
                             for j in range(0, k + 1, 2)))

    def latex(self, printer):
        return rf"\mathcal{{N}}\left({printer(self.mean)}, {printer(self.variance)}\right)"


@dataclass(frozen=True)
class ZeroMean:
    """Independent, zero mean, given variance; nothing else about the law is known."""
    variance: sp.Expr

    def moment(self, k):
        if k <= 2:
            return (sp.S.One, sp.S.Zero, sp.sympify(self.variance))[k]
        raise Unsupported(f"the {k}-th moment of a zero-mean variable with only its variance declared is unknown")

    def latex(self, printer):
        return rf"\text{{zero mean, variance }} {printer(self.variance)}"


def expect(expr, laws):
    """E[expr] where ``laws`` maps each random scalar symbol to its distribution.

    All symbols in ``laws`` are mutually independent and independent of everything else.
    """
    free = expr.free_symbols
    rvars = [s for s in laws if s in free]
    if not rvars:
        return expr
    rset = set(rvars)
    total = []
    for monom, coeff in _terms(expr, rset).items():
        factor = sp.S.One
        for var, k in monom:
            factor *= laws[var].moment(k)
        total.append(coeff * factor)
    return sp.Add(*total)


def _terms(e, rset):
    """e as a sparse polynomial in the random symbols: {((var, power), ...): coefficient}.
    Read off the tree (sums merge, products convolve), so nothing is expanded twice."""
    if not (e.free_symbols & rset):
        return {(): e}
    if e in rset:
        return {((e, 1),): sp.S.One}
    if isinstance(e, sp.Add):
        out = {}
        for a in e.args:
            _merge(out, _terms(a, rset))
        return {m: c for m, c in out.items() if c != 0}
    if isinstance(e, sp.Mul):
        out = {(): sp.S.One}
        for a in e.args:
            out = _product(out, _terms(a, rset))
        return out
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        base, out = _terms(e.base, rset), {(): sp.S.One}
        for _ in range(int(e.exp)):
            out = _product(out, base)
        return out
    check_polynomial(e, [v for v in rset if v in e.free_symbols])
    raise Unsupported("expectation of a function that is not a polynomial in the random entries")


def _merge(out, terms):
    for m, c in terms.items():
        out[m] = out[m] + c if m in out else c


def _product(a, b):
    out = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            powers = dict(ma)
            for v, k in mb:
                powers[v] = powers.get(v, 0) + k
            m = tuple(sorted(powers.items(), key=lambda vk: vk[0].sort_key()))
            c = ca * cb
            out[m] = out[m] + c if m in out else c
    return {m: c for m, c in out.items() if c != 0}


def check_polynomial(expr, rvars):
    """Raise Unsupported unless expr is a polynomial in rvars."""
    for var in rvars:
        if not expr.is_polynomial(var):
            raise Unsupported(f"expectation of a non-polynomial function of {var}")
