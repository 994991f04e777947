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
    try:  # Poly refuses a generator inside a denominator or a function: not a polynomial
        poly = sp.Poly(expr, *rvars)
    except sp.PolynomialError:
        check_polynomial(expr, rvars)
        raise Unsupported("expectation of a function that is not a polynomial in the random entries") from None
    total = sp.S.Zero
    for monom, coeff in poly.terms():
        factor = sp.S.One
        for var, k in zip(rvars, monom):
            if k:
                factor *= laws[var].moment(k)
        total += coeff * factor
    return total


def check_polynomial(expr, rvars):
    """Raise Unsupported unless expr is a polynomial in rvars."""
    for var in rvars:
        if not expr.is_polynomial(var):
            raise Unsupported(f"expectation of a non-polynomial function of {var}")
