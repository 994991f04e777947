"""Domains of declared symbols: their sympy assumptions, their wording, how to sample them."""
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

WIDE = 10**6  # random points come from a range at least this wide (VERIFICATION.md §3)
MAGNITUDES = 30  # ... and across magnitudes 10^-30 .. 10^30 at least (§3a)


@dataclass(frozen=True)
class Domain:
    name: str
    latex: str  # "\in (0, 1)" style, printed in the givens
    assumptions: tuple

    def sample(self, rng, readable, beyond=0):
        """An exact rational in the domain: small and readable, or from across magnitudes.

        Wide points range over magnitudes 10^-e .. 10^e with e at least ``MAGNITUDES`` and past
        ``beyond`` (the largest decimal exponent of a constant in the expression), and come
        near the edges of the domain (0 for positive numbers, 0 and 1 for probabilities)."""
        if readable:
            if self.name == "probability":
                den = rng.randint(2, 6)
                return sp.Rational(rng.randint(1, den - 1), den)
            if self.name in ("positive", "dimension"):
                return sp.Integer(rng.randint(1, 5))
            if self.name == "nonnegative":
                return sp.Integer(rng.randint(0, 5))
            return sp.Integer(rng.choice([v for v in range(-5, 6) if v]))
        if self.name == "dimension":
            return sp.Integer(rng.choice([rng.randint(1, 12), rng.randint(1, WIDE)]))
        top = max(MAGNITUDES, beyond + 10)
        if self.name == "probability":
            kind = rng.randrange(3)
            if kind == 2:
                den = rng.randint(2, WIDE)
                return sp.Rational(rng.randint(1, den - 1), den)
            tiny = magnitude(rng, top, low=1)
            return tiny if kind == 0 else 1 - tiny
        if self.name in ("positive", "nonnegative"):
            if self.name == "nonnegative" and rng.randrange(8) == 0:
                return sp.S.Zero
            return magnitude(rng, top)
        return rng.choice([1, -1]) * magnitude(rng, top)


def magnitude(rng, top, low=None):
    """A positive rational m·10^e, m in (0, 10) with six digits, e uniform in [-top, top]
    (or in [-top, -low] for a number close to 0)."""
    e = rng.randint(-top, -low if low is not None else top)
    m = sp.Rational(rng.randint(1, 10**6), rng.randint(1, 10**6) if low is None else 10**6)
    return m * sp.Integer(10) ** e


def largest_exponent(*exprs):
    """The largest decimal exponent of any number in the expressions (for ``beyond``)."""
    top = 0
    for e in exprs:
        for a in sp.preorder_traversal(e):
            if isinstance(a, sp.Rational) and a != 0:
                for part in (a.p, a.q):
                    top = max(top, len(str(abs(part))))
            elif isinstance(a, sp.Float) and a != 0:
                top = max(top, abs(int(sp.floor(sp.log(abs(a), 10)))) + 1)
    return top


DOMAINS = {
    "real": Domain("real", r"\in \mathbb{R}", (("real", True),)),
    "positive": Domain("positive", r"> 0", (("positive", True),)),
    "nonnegative": Domain("nonnegative", r"\ge 0", (("nonnegative", True),)),
    "probability": Domain("probability", r"\in (0, 1)", (("positive", True),)),
    "dimension": Domain("dimension", r"\in \{1, 2, \dots\}", (("integer", True), ("positive", True))),
}


def domain(name):
    from .errors import ProblemError
    try:
        return DOMAINS[name]
    except KeyError:
        raise ProblemError(f"unknown domain {name!r}; known: {', '.join(DOMAINS)}") from None


def as_fraction(value):
    return Fraction(int(value.p), int(value.q))
