"""Which sizes a comparison is grounded at, and the argument they carry (VERIFICATION.md §3a).

Two rules decide the sizes of one comparison:
- dimension factors: where a dimension appears as a scalar (n·d/6, 1/n, tr(I_n), Σ_{j≤n}),
  the comparison's difference, cleared of denominators, is a polynomial of some degree D_k in
  each dimension k.  A polynomial with degree < |V_k| in each variable that vanishes on a grid
  V_1 × … × V_m vanishes everywhere, so the sizes hold a full grid with D_k + 1 values of
  each dimension (at least two: 2, 3, …);
- matrix degree: a polynomial identity of degree m in the matrix variables that fails at some
  size fails once every dimension is at least m + 1 (no trace identity of degree ≤ k holds on
  k×k matrices; Amitsur–Levitzki for ordinary identities), so one size has every dimension ≥ m + 1.
The first two grid sizes (the non-square pair) are checked with fully symbolic entries; the
other sizes at exact random points.
"""
import itertools
import math
from dataclasses import dataclass, field

import sympy as sp

from .errors import ProblemError
from .printing import formula


@dataclass
class SizePlan:
    exact: list  # sizes grounded with symbolic entries
    sampled: list = field(default_factory=list)  # sizes checked at exact random points
    argument: str = ""
    problem: str = ""  # why the sizes given cannot carry the argument (then: undecided)


def base_sizes(dims):
    """The non-square pair: every dimension ≥ 2, and each order swapped."""
    if not dims:
        return [{}]
    if len(dims) == 1:
        return [{dims[0]: 2}, {dims[0]: 3}]
    return [{d: 2 + (i % 2) for i, d in enumerate(dims)}, {d: 3 - (i % 2) for i, d in enumerate(dims)}]


def validate_author_sizes(sizes, dims):
    """Refuse sizes that accept 1×1-only or square-only identities (a broken problem file)."""
    if not sizes:
        raise ProblemError("check_sizes(...) needs at least one size")
    if sizes == [{}]:
        return  # no dimension is fixed: every step must hold without grounding at a size
    for s in sizes:
        missing = [d for d in dims if d not in s]
        if missing:
            raise ProblemError(f"check_sizes: the size {s} gives no value to {', '.join(map(str, missing))}")
        bad = [f"{d}={v}" for d, v in s.items() if not (isinstance(v, int) and v >= 1)]
        if bad:
            raise ProblemError(f"check_sizes: sizes are positive integers, not {', '.join(bad)}")
    if dims and not any(all(s[d] >= 2 for d in dims) for s in sizes):
        raise ProblemError("check_sizes: one size must have every dimension ≥ 2 "
                           "(at size 1 a transposed matrix or 1/n² for 1/n passes)")
    if len(dims) > 1 and not any(len({s[d] for d in dims}) > 1 for s in sizes):
        raise ProblemError("check_sizes: one size must be non-square (dimensions not all equal), "
                           "or a transposed matrix passes")
    few = [str(d) for d in dims if len({s[d] for s in sizes}) < 2]
    if few:
        raise ProblemError(f"check_sizes: each dimension needs at least two values ({', '.join(few)} has one), "
                           "or a factor such as n/2 passes")


# -- degrees ------------------------------------------------------------------------------
def _pair_add(pairs):
    dens = [b for _, b in pairs]
    total = sum(dens)
    return (max((a + total - b for a, b in pairs), default=0), total)


class Degrees:
    """Per dimension: degrees (numerator, denominator) of scalar occurrences in an expression."""

    def __init__(self, dims, definitions):
        self.dims, self.definitions = set(dims), definitions
        self._memo = {}

    def of(self, e):
        key = e
        if key not in self._memo:
            self._memo[key] = self._of(e)
        return self._memo[key]

    def _combine_mul(self, parts):
        out = {}
        for p in parts:
            for k, (a, b) in p.items():
                a0, b0 = out.get(k, (0, 0))
                out[k] = (a0 + a, b0 + b)
        return out

    def _combine_add(self, parts):
        keys = set().union(*parts) if parts else set()
        return {k: _pair_add([p.get(k, (0, 0)) for p in parts]) for k in keys}

    def _count(self, top):
        """The degree a count over 1..top adds (tr(I_n), Σ_{j ≤ n}, ||v||² of an n-vector)."""
        return {k: (a + b, 0) for k, (a, b) in self.of(sp.sympify(top)).items()}

    def _of(self, e):
        if e in self.definitions:
            self._memo[e] = {}  # a definition that names itself (an entrywise forward map) adds nothing more
            return self.of(self.definitions[e])
        if isinstance(e, sp.Symbol):
            return {e: (1, 0)} if e in self.dims else {}
        if isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix)) or not e.args:
            return {}
        if isinstance(e, (sp.Add, sp.MatAdd)):
            return self._combine_add([self.of(a) for a in e.args])
        if isinstance(e, sp.Pow) and e.exp.is_Rational:
            k = abs(e.exp)
            a_b = self.of(e.base)
            up = lambda x: math.ceil(k * x)  # noqa: E731
            return {d: ((up(a), up(b)) if e.exp > 0 else (up(b), up(a))) for d, (a, b) in a_b.items()}
        if isinstance(e, sp.Trace):
            return self._combine_mul([self.of(e.arg), self._count(e.arg.shape[0])])
        if isinstance(e, sp.Sum):
            parts = [self.of(e.function)]
            for _, lo, hi in e.limits:
                parts.append(self._count(hi))
                parts.append(self._count(lo))
            return self._combine_mul(parts)
        from .mathobjects import SqNorm
        if isinstance(e, SqNorm):
            return self._combine_mul([self.of(e.arg), self._count(e.arg.shape[0])])
        if isinstance(e, (sp.Mul, sp.MatMul, sp.HadamardProduct)):
            return self._combine_mul([self.of(a) for a in e.args])
        if isinstance(e, sp.Pow):  # a dimension in an exponent: no polynomial bound; be generous
            parts = self._combine_mul([self.of(a) for a in e.args])
            return {d: (2 * (a + b) + 2, 0) for d, (a, b) in parts.items()}
        if isinstance(e, sp.Tuple):
            return {}
        parts = [self.of(a) for a in e.args if isinstance(a, sp.Basic) and not isinstance(a, sp.Tuple)]
        return self._combine_mul(parts)  # other nodes: as a product of their arguments (an upper bound)


class Skeleton:
    """The scalar skeleton of an expression: each matrix or opaque node a fresh symbol, each
    count (tr over k rows, Σ over k terms, ||v||² of a k-vector) a factor k.  Its degrees in the
    dimensions are the degrees of the dimension factors the expression shows."""

    def __init__(self, dims, definitions):
        self.dims, self.definitions = set(dims), definitions
        self._memo = {}

    def fresh(self, e):
        return sp.Dummy("m")

    def of(self, e):
        if e not in self._memo:
            self._memo[e] = self.fresh(e)  # a definition that names itself adds nothing more
            self._memo[e] = self._of(e)
        return self._memo[e]

    def _of(self, e):
        from .mathobjects import SqNorm
        if e in self.definitions:
            return self.of(self.definitions[e])
        if isinstance(e, (sp.Symbol, sp.Number)):
            return e
        if isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix, sp.MatrixBase)) or not e.args:
            return self.fresh(e)
        if isinstance(e, (sp.Add, sp.MatAdd)):
            return sp.Add(*[self.of(a) for a in e.args])
        if isinstance(e, (sp.Mul, sp.MatMul, sp.HadamardProduct)):
            return sp.Mul(*[self.of(a) for a in e.args])
        if isinstance(e, (sp.Pow, sp.MatPow)) and e.exp.is_Rational:
            return self.of(e.base) ** e.exp
        if isinstance(e, sp.Trace):
            return e.arg.shape[0] * self.of(e.arg)
        if isinstance(e, SqNorm):
            return e.arg.shape[0] * self.of(e.arg)
        if isinstance(e, sp.Sum):
            out = self.of(e.function)
            for _, lo, hi in e.limits:
                out *= (hi - lo + 1)
            return out
        if isinstance(e, sp.Pow):
            return self.fresh(e) * sp.Mul(*[self.of(a) for a in e.args]) ** 2
        parts = [self.of(a) for a in e.args if isinstance(a, sp.Basic) and not isinstance(a, sp.Tuple)]
        return self.fresh(e) * sp.Mul(*parts)  # other nodes: an opaque function of their parts


def _degree_bound(e, d):
    """An upper bound on the degree of the polynomial e in d, read off its tree (sums take the
    largest, products add, integer powers multiply); cancellation can only lower the true degree,
    so the sizes chosen from the bound are enough.  Not a polynomial in d: PolynomialError."""
    if not e.has(d):
        return 0
    if e == d:
        return 1
    if isinstance(e, sp.Add):
        return max(_degree_bound(a, d) for a in e.args)
    if isinstance(e, sp.Mul):
        return sum(_degree_bound(a, d) for a in e.args)
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        return int(e.exp) * _degree_bound(e.base, d)
    raise sp.PolynomialError(f"{e} is not a polynomial in {d}")


def dimension_degrees(left, right, dims, definitions):
    """Per dimension, the degree of the numerator of left − right (0 if it does not appear)."""
    sk = Skeleton(dims, definitions)
    try:
        num = sp.numer(sp.together(sk.of(left) - sk.of(right)))
        return {d: _degree_bound(num, d) for d in dims}
    except (sp.PolynomialError, sp.GeneratorsNeeded, RecursionError, TypeError, ValueError):
        deg = Degrees(dims, definitions)  # radicals or exponents in a dimension: a cruder bound
        diff = deg._combine_add([deg.of(left), deg.of(right)])
        return {d: diff.get(d, (0, 0))[0] for d in dims}


def matrix_degree(e, definitions, _memo=None):
    """Degree of e in its matrix variables, counted through matrix products (each declared
    matrix or vector counts 1).  Entrywise operations, entries and other nodes take the largest
    degree of their arguments: the small-size identities of §3a come from products."""
    memo = {} if _memo is None else _memo
    if e in memo:
        return memo[e]
    memo[e] = 0
    if e in definitions:
        out = matrix_degree(definitions[e], definitions, memo)
    elif isinstance(e, sp.MatrixSymbol):
        out = 0 if e.shape == (1, 1) else 1
    elif type(e).__name__ in ("Entry", "MatrixElement"):
        out = 0  # a single entry is a scalar
    elif isinstance(e, (sp.Add, sp.MatAdd)):
        out = max((matrix_degree(a, definitions, memo) for a in e.args), default=0)
    elif isinstance(e, (sp.MatPow, sp.Pow)) and e.exp.is_Integer:
        out = abs(int(e.exp)) * matrix_degree(e.base, definitions, memo)
    elif isinstance(e, (sp.Mul, sp.MatMul)):
        out = sum(matrix_degree(a, definitions, memo) for a in e.args)
    elif not getattr(e, "args", ()):
        out = 0
    else:
        out = max((matrix_degree(a, definitions, memo) for a in e.args if isinstance(a, sp.Basic)), default=0)
    memo[e] = out
    return out


# -- the plan -----------------------------------------------------------------------------
def _values(count):
    return list(range(2, 2 + max(2, count)))


def _shown(dims, degrees):
    return ", ".join(f"{degrees[d]} in {formula(d)}" for d in dims)


def plan(dims, relevant, degrees, mdeg, author=None):
    """The sizes of one comparison; ``relevant``: the dimensions it mentions."""
    relevant = [d for d in dims if d in relevant]
    need = {d: max(2, degrees.get(d, 0) + 1) for d in relevant}
    big = mdeg + 1 if mdeg >= 2 else 0
    parts = []
    if any(degrees.get(d, 0) for d in relevant):
        parts.append(f"a grid of sizes separates dimension factors of degree {_shown(relevant, degrees)}")
    if big:
        parts.append(f"a size with every dimension ≥ {big} exceeds the degree {mdeg} in the matrix variables")
    argument = "; ".join(parts)
    if author is not None:
        return _author_plan(dims, relevant, need, big, author, argument)
    base = base_sizes(dims)
    fill = base[0]
    grid = [{**fill, **dict(zip(relevant, combo))}
            for combo in itertools.product(*(_values(need[d]) for d in relevant))]
    exact = [s for s in base if s in grid] or base
    sampled = [s for s in grid if s not in exact]
    if big and not any(all(s[d] >= big for d in relevant) for s in exact + sampled):
        sampled.append({**fill, **{d: big + i for i, d in enumerate(relevant)}})
    return SizePlan(exact, sampled, argument)


def _author_plan(dims, relevant, need, big, author, argument):
    """Author sizes: the first two are grounded with symbolic entries, the others at random points."""
    given = [dict(s) for s in author]
    exact, sampled = given[:2], given[2:]
    projected = {tuple(s[d] for d in relevant) for s in given}
    values = [sorted({s[d] for s in given}) for d in relevant]
    short = [f"{formula(d)} ({len(v)} values, {need[d]} needed)" for d, v in zip(relevant, values) if len(v) < need[d]]
    if short:
        return SizePlan(exact, sampled, argument, "the sizes given by check_sizes have too few values of "
                        + ", ".join(short) + " to separate the dimension factors of this step")
    if len(relevant) > 1 and not all(c in projected for c in itertools.product(*values)):
        return SizePlan(exact, sampled, argument, "the sizes given by check_sizes do not form a grid over "
                        + ", ".join(map(formula, relevant)) + ": a factor such as n·d/6 could equal 1 on them")
    if big and not any(all(s[d] >= big for d in relevant) for s in given):
        seed = max(given, key=lambda s: (len({s[d] for d in relevant}) > 1, min(s[d] for d in relevant)))
        c = -(-big // max(1, min(seed[d] for d in relevant)))
        sampled.append({d: v * c for d, v in seed.items()})
    return SizePlan(exact, sampled, argument)
