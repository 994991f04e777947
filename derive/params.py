"""Parameters of numeric problems: defaults, safe parsing of command-line values, sampling.

A parameterised problem file declares ``PARAMS = [Param(...), ...]`` and a function
``build(**values) -> Derivation``; ``DERIVATION`` is then built from the defaults.
Values from the command line are parsed with ``ast.literal_eval`` (never ``eval``).
"""
import ast
import random
from dataclasses import dataclass
from fractions import Fraction

from .errors import DeriveError


MAX_TEXT = 10_000  # characters of one --param value: far above any real matrix, far below trouble


class BadParam(DeriveError):
    """A malformed or out-of-range parameter value (bad usage: exit 2)."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


KINDS = {
    "int": lambda v: _is_int(v),
    "rational": lambda v: _is_int(v) or isinstance(v, Fraction),
    "int_list": lambda v: isinstance(v, list) and v and all(_is_int(x) for x in v),
    "int_matrix": lambda v: (isinstance(v, list) and v and all(isinstance(r, list) and r for r in v)
                             and len({len(r) for r in v}) == 1 and all(_is_int(x) for r in v for x in r)),
}


@dataclass
class Param:
    name: str
    kind: str
    default: object
    sample: object = None  # sample(rng) -> value; None: not varied by --seed
    check: object = None  # check(value) -> error text or None
    meaning: str = ""

    def parse(self, text):
        """The value of ``text`` (a literal, never evaluated code), or BadParam saying why not."""
        shown = text if len(text) <= 60 else text[:60] + "..."
        if len(text) > MAX_TEXT:
            raise BadParam(f"--param {self.name}: the value is {len(text)} characters long "
                           f"(at most {MAX_TEXT})")
        try:
            if self.kind == "rational" and "/" in text:
                value = Fraction(text.strip())
            else:
                value = ast.literal_eval(text.strip())
        except (ValueError, TypeError, SyntaxError, ZeroDivisionError, RecursionError, MemoryError):
            raise BadParam(f"--param {self.name}: cannot read {shown!r} as {self.kind.replace('_', ' ')}") from None
        if isinstance(value, tuple):
            value = list(value)
        if self.kind == "int_matrix" and isinstance(value, list):
            value = [list(r) if isinstance(r, tuple) else r for r in value]
        if not KINDS[self.kind](value):
            raise BadParam(f"--param {self.name}: {shown!r} is not {self.kind.replace('_', ' ')}")
        problem = self.check(value) if self.check else None
        if problem:
            raise BadParam(f"--param {self.name}={shown}: {problem}")
        return value


def parse_assignments(params, assignments):
    """{name: value} from ["NAME=VALUE", ...]."""
    by_name = {p.name: p for p in params}
    values = {}
    for item in assignments:
        if "=" not in item:
            raise BadParam(f"--param takes NAME=VALUE, got {item!r}")
        name, text = item.split("=", 1)
        name = name.strip()
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise BadParam(f"unknown parameter {name!r}; this problem has: {known}")
        values[name] = by_name[name].parse(text)
    return values


def defaults(params):
    return {p.name: p.default for p in params}


def draw(params, seed, index=0, joint=None):
    """Fresh values: from the file's joint ``sample(rng)`` if it has one, else per parameter."""
    rng = random.Random(f"{seed}:{index}")
    if joint:
        return {**defaults(params), **joint(rng)}
    return {p.name: (p.sample(rng) if p.sample else p.default) for p in params}
