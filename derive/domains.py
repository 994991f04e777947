"""Domains of declared symbols: their sympy assumptions, their wording, how to sample them."""
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

WIDE = 10**6  # random points come from a range at least this wide (VERIFICATION.md §3)


@dataclass(frozen=True)
class Domain:
    name: str
    latex: str  # "\in (0, 1)" style, printed in the givens
    assumptions: tuple

    def sample(self, rng, readable):
        """An exact rational in the domain: small and readable, or from a wide range."""
        top = 5 if readable else WIDE
        if self.name == "probability":
            den = rng.randint(2, 6 if readable else WIDE)
            return sp.Rational(rng.randint(1, den - 1), den)
        if self.name in ("positive", "dimension"):
            if readable or self.name == "dimension":
                return sp.Integer(rng.randint(1, top))
            return sp.Rational(rng.randint(1, WIDE), rng.randint(1, WIDE))
        if self.name == "nonnegative":
            return sp.Integer(rng.randint(0, top))
        if readable:
            return sp.Integer(rng.choice([v for v in range(-top, top + 1) if v]))
        return sp.Rational(rng.randint(-WIDE, WIDE), rng.randint(1, WIDE))


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
