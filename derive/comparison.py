"""Compare two expressions of one derivation: the evidence ladder of VERIFICATION.md §3.

proved (no sizes needed, difference reduces to 0) > checked exactly at sizes (grounded,
difference reduces to 0) > checked at random points (exact rationals, wide range, seed) >
failed (with a counterexample).  Reductions are expand/cancel only: sound rewrites.
"""
import random

import mpmath
import sympy as sp

from .domains import domain
from .grounding import Grounder, needs_sizes
from .verdicts import Counterexample, Label

RANDOM_POINTS = 6
READABLE_TRIES = 4
WIDE_TRIES = 4


def reduce_zero(diff):
    """True only when sound rewriting shows diff == 0 (never a guess)."""
    if diff == 0:
        return True
    e = sp.expand(diff)
    if e == 0:
        return True
    return sp.cancel(sp.together(e)) == 0


def pick_sizes(dims):
    """Concrete sizes: every dimension ≥ 2, non-square, and each order swapped."""
    if not dims:
        return [{}]
    a = {d: 2 + (i % 2) for i, d in enumerate(dims)}
    b = {d: 3 - (i % 2) for i, d in enumerate(dims)}
    sizes = [a, b] if len(dims) > 1 else [{dims[0]: 2}, {dims[0]: 3}]
    return sizes


class Context:
    """What checkers share for one derivation: sizes, seed, domains of symbols."""

    def __init__(self, derivation, seed=20261122):
        self.derivation = derivation
        self.seed = seed
        self.sizes = derivation.sizes or pick_sizes(derivation.dimensions)
        self.domains = {d.obj: d.domain for d in derivation.declared if d.kind == "scalar"}
        self._grounders = {}

    def grounder(self, size):
        key = tuple(sorted((str(k), v) for k, v in size.items()))
        if key not in self._grounders:
            self._grounders[key] = Grounder(self.derivation, size)
        return self._grounders[key]

    def rng(self, salt=0):
        return random.Random(self.seed * 1000003 + salt)

    def domain_of(self, sym):
        return self.domains.get(sym) or domain("real")


def _entries(g):
    return list(g) if isinstance(g, sp.MatrixBase) else [g]


def _is_zero_number(x):
    x = sp.nsimplify(x) if x.has(sp.Float) else x
    if x == 0:
        return True
    if x.is_Rational:
        return False
    x = sp.radsimp(sp.expand(x))
    if x == 0:
        return True
    with mpmath.workdps(60):
        return abs(complex(sp.N(x, 50))) < 1e-40


def _point(ctx, grounder, symbols, rng, readable):
    values = {}
    for s in sorted(symbols, key=str):
        values[s] = ctx.domain_of(s).sample(rng, readable)
    # fill whole matrices, so a counterexample can be shown as matrices
    for m, mat in grounder.entries.items():
        if m in grounder.laws_of and not any(s in values for s in mat):
            continue  # a random matrix integrated out of this comparison
        for s in mat:
            if s not in values:
                values[s] = domain("real").sample(rng, readable)
    return values


def _show(g):
    if isinstance(g, sp.MatrixBase):
        if g.shape == (1, 1):
            return str(g[0, 0])
        if g.shape[1] == 1:
            return "(" + ", ".join(str(x) for x in g) + ")^T"
        return str(g.tolist())
    return str(g)


def _counterexample(ctx, grounder, size, gl, gr, values):
    shown = {}
    for m, mat in grounder.entries.items():
        if all(s in values for s in mat):
            shown[m.name] = _show(mat.xreplace(values))
    for s, v in values.items():
        if not any(s in mat for mat in grounder.entries.values()):
            shown[str(s)] = str(v)
    return Counterexample({str(k): v for k, v in size.items()}, shown,
                          _show(_evaluate(gl, values)), _show(_evaluate(gr, values)))


def _evaluate(g, values):
    out = g.xreplace(values)
    if isinstance(out, sp.MatrixBase):
        return out.applyfunc(lambda x: sp.nsimplify(sp.simplify(x)) if not x.is_Rational else x)
    return out if out.is_Rational else sp.simplify(out)


def compare_grounded(ctx, grounder, size, gl, gr, salt=0):
    """(label, counterexample, points) for two grounded values at one size."""
    if isinstance(gl, sp.MatrixBase) != isinstance(gr, sp.MatrixBase):
        gl, gr = (gl[0, 0] if isinstance(gl, sp.MatrixBase) and gl.shape == (1, 1) else gl,
                  gr[0, 0] if isinstance(gr, sp.MatrixBase) and gr.shape == (1, 1) else gr)
    if isinstance(gl, sp.MatrixBase) and gl.shape != gr.shape:
        return Label.FAILED, Counterexample({str(k): v for k, v in size.items()}, {},
                                            f"a {gl.shape[0]}×{gl.shape[1]} matrix",
                                            f"a {gr.shape[0]}×{gr.shape[1]} matrix",
                                            "the two sides have different shapes"), 0
    diffs = [a - b for a, b in zip(_entries(gl), _entries(gr))]
    # a wrong step usually shows at the first exact point, long before expand/cancel finish
    symbols = set().union(*(d.free_symbols for d in diffs))
    values = _point(ctx, grounder, symbols, ctx.rng(salt), True)
    if not all(_is_zero_number(d.xreplace(values)) for d in diffs):
        return Label.FAILED, _counterexample(ctx, grounder, size, gl, gr, values), 0
    open_diffs = [d for d in diffs if not reduce_zero(d)]
    if not open_diffs:
        return Label.EXACT, None, 0
    symbols = set().union(*(d.free_symbols for d in open_diffs))
    rng = ctx.rng(salt)
    for readable in [True] * READABLE_TRIES + [False] * WIDE_TRIES:
        values = _point(ctx, grounder, symbols, rng, readable)
        if not all(_is_zero_number(d.xreplace(values)) for d in open_diffs):
            return Label.FAILED, _counterexample(ctx, grounder, size, gl, gr, values), 0
    # sound reduction did not reach zero, yet no point separates the sides: weaker evidence
    for _ in range(RANDOM_POINTS):
        values = _point(ctx, grounder, symbols, rng, False)
        if not all(_is_zero_number(d.xreplace(values)) for d in open_diffs):
            return Label.FAILED, _counterexample(ctx, grounder, size, gl, gr, values), 0
    return Label.RANDOM, None, READABLE_TRIES + WIDE_TRIES + RANDOM_POINTS


def compare(ctx, left, right, salt=0):
    """Compare two expressions of ctx's derivation; returns (label, cx, sizes, points)."""
    d = ctx.derivation
    # grounding with no dimension to fix (concrete matrices) is a check at general size
    sized = (needs_sizes(left, d) or needs_sizes(right, d)) and any(ctx.sizes)
    sizes = ctx.sizes if sized else [{}]
    worst, points = Label.PROVED if not sized else Label.EXACT, 0
    for size in sizes:
        g = ctx.grounder(size)
        label, cx, pts = compare_grounded(ctx, g, size, g.ground(left), g.ground(right), salt)
        if label is Label.FAILED:
            return label, cx, sizes, pts
        if label is Label.EXACT and not sized:
            label = Label.PROVED
        if label.strength > worst.strength:
            worst = label
        points += pts
    return worst, None, (sizes if sized else []), points


# public names for checkers in other modules
sample_point = _point
counterexample_at = _counterexample
entries = _entries
is_zero_number = _is_zero_number
