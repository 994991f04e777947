"""Compare two expressions of one derivation: the evidence ladder of VERIFICATION.md §3.

proved (a normal form at general size, or no sizes needed and the difference reduces to 0) >
checked exactly at sizes (grounded at the sizes of sizes.py, difference reduces to 0) > checked
at random points (exact rationals across magnitudes, seed) > numerically checked (a zero only
floating point decides) > failed (with a counterexample).  Reductions are expand/cancel only.
"""
import random
import zlib

import mpmath
import sympy as sp

from .domains import domain, largest_exponent
from .errors import ProblemError
from .grounding import Grounder, needs_sizes
from .normalform import equal_at_general_size
from .sizes import SizePlan, base_sizes, dimension_degrees, matrix_degree, plan
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
    """The engine's base sizes: every dimension ≥ 2, non-square, and each order swapped."""
    return base_sizes(dims)


class Comparison(tuple):
    """(label, counterexample, sizes, points), with the sizes checked at random points and the
    argument the evidence carries as attributes."""

    def __new__(cls, label, cx, sizes, points, sampled=(), argument="", detail=""):
        obj = super().__new__(cls, (label, cx, sizes, points))
        obj.sampled, obj.argument, obj.detail = list(sampled), argument, detail
        return obj

    label = property(lambda self: self[0])


class Context:
    """What checkers share for one derivation: sizes, seed, domains of symbols."""

    def __init__(self, derivation, seed=20261122):
        self.derivation = derivation
        self.seed = seed
        self.author_sizes = derivation.sizes
        # checkers that ground at fixed sizes use the first three author sizes (the rest of a grid is
        # for the size rule of compare)
        self.sizes = derivation.sizes[:3] if derivation.sizes else pick_sizes(derivation.dimensions)
        self.domains = {d.obj: d.domain for d in derivation.declared if d.kind == "scalar"}
        self._grounders = {}
        self.verdicts = {}  # step index -> Verdict, as the checking loop finds them (for citations)

    def grounder(self, size, numeric=False):
        """The grounder at one size.  For checks at random points, declared non-random matrices
        get exact random entries: ``numeric="prefill"`` puts them in place of the symbols;
        ``numeric="fixed"`` keeps the symbols (for derivatives) and puts the values in before
        each expectation is integrated, the same values the point then gives them."""
        key = (tuple(sorted((str(k), v) for k, v in size.items())), numeric)
        if key not in self._grounders:
            g = Grounder(self.derivation, size)
            if numeric:
                # salted by the size itself, not by how many grounders came before: a step's
                # points do not depend on which steps were checked before it (or in which process)
                rng = self.rng(zlib.crc32(repr(key).encode()) + 7919)
                g.numeric_rng = rng if numeric == "prefill" else None
                for decl in self.derivation.declared:
                    m = decl.obj
                    if decl.kind == "matrix" and type(m) is sp.MatrixSymbol:
                        rows, cols = g.dim(m.shape[0]), g.dim(m.shape[1])
                        values = sp.ImmutableMatrix(rows, cols, lambda i, j: domain("real").sample(rng, True)
                                                    if rng.randrange(2) else domain("real").sample(rng, False))
                        if numeric == "prefill":
                            g.entries[m] = values
                        else:
                            g.fixed.update(zip(g.matrix_of(m), values))
            self._grounders[key] = g
        return self._grounders[key]

    def rng(self, salt=0):
        return random.Random(self.seed * 1000003 + salt)

    def domain_of(self, sym):
        return self.domains.get(sym) or domain("real")

    def plan(self, left, right):
        """The sizes for comparing left with right, by the rules of sizes.py."""
        d = self.derivation
        dims = d.dimensions
        if self.author_sizes == [{}]:
            return SizePlan([{}])
        defs = d.definitions
        relevant = _mentioned(left, defs) | _mentioned(right, defs)
        degrees = dimension_degrees(left, right, dims, defs)
        mdeg = max(matrix_degree(left, defs), matrix_degree(right, defs))
        return plan(dims, relevant & set(dims), degrees, mdeg, self.author_sizes)


def _mentioned(e, definitions):
    """Free symbols of e, shapes included, through named definitions."""
    out, seen, todo = set(), set(), [e]
    while todo:
        x = todo.pop()
        for node in sp.preorder_traversal(x):
            if isinstance(node, sp.Symbol):
                out.add(node)
            if node in definitions and node not in seen:
                seen.add(node)
                todo.append(definitions[node])
    return out


def _entries(g):
    return list(g) if isinstance(g, sp.MatrixBase) else [g]


# -- the zero test -----------------------------------------------------------------------------
ZERO, NONZERO, NUMERIC_ZERO, UNDEFINED = "zero", "nonzero", "numerically zero", "undefined"
DIGITS, TOLERANCE = 50, 1e-40  # for what has no exact route (VERIFICATION.md §3: numerically checked)
NUMERIC_NOTE = f"zero decided in floating point at {DIGITS} digits, tolerance {TOLERANCE:g}"


def exact(x):
    """x with every Float replaced by the exact rational it stands for."""
    floats = x.atoms(sp.Float) if isinstance(x, sp.Basic) else ()
    return x.xreplace({f: sp.Rational(f) for f in floats}) if floats else x


def zero_test(x):
    """ZERO or NONZERO when decided exactly; NUMERIC_ZERO when only floating point says 0;
    UNDEFINED at a pole."""
    x = exact(sp.sympify(x))
    if x == 0:
        return ZERO
    if x.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return UNDEFINED
    if x.is_Rational:
        return NONZERO
    x = sp.radsimp(sp.expand(x))
    if x == 0:
        return ZERO
    if x.is_Rational:
        return NONZERO
    if x.has(sp.zoo, sp.nan):
        return UNDEFINED
    if x.is_number and x.is_algebraic:
        try:
            t = sp.Dummy("t")
            return ZERO if sp.minimal_polynomial(x, t) == t else NONZERO
        except (NotImplementedError, ValueError, sp.PolynomialError):
            pass
    with mpmath.workdps(DIGITS + 10):
        try:
            value = complex(sp.N(x, DIGITS))
        except (TypeError, ValueError):
            return UNDEFINED
    return NUMERIC_ZERO if abs(value) < TOLERANCE else NONZERO


def _is_zero_number(x):
    """Exactly zero (a floating-point zero does not count)."""
    return zero_test(x) == ZERO


def _beyond(*exprs):
    return largest_exponent(*exprs)


def _point(ctx, grounder, symbols, rng, readable, beyond=0):
    values = {s: v for s, v in grounder.fixed.items() if s in symbols}
    for s in sorted(symbols, key=str):
        values[s] = ctx.domain_of(s).sample(rng, readable, beyond)
    # fill whole matrices, so a counterexample can be shown as matrices
    for m, mat in grounder.entries.items():
        if m in grounder.laws_of and not any(s in values for s in mat):
            continue  # a random matrix integrated out of this comparison
        for s in mat.free_symbols:
            if s not in values:
                values[s] = domain("real").sample(rng, readable, beyond)
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
        if all(s in values for s in mat.free_symbols) and (mat.free_symbols or m not in grounder.laws_of):
            shown[m.name] = _show(mat.xreplace(values))
    for s, v in values.items():
        if not any(s in mat.free_symbols for mat in grounder.entries.values()):
            shown[str(s)] = str(v)
    return Counterexample({str(k): v for k, v in size.items()}, shown,
                          _show(_evaluate(gl, values)), _show(_evaluate(gr, values)))


def _evaluate(g, values):
    out = g.xreplace(values)
    if isinstance(out, sp.MatrixBase):
        return out.applyfunc(lambda x: sp.nsimplify(sp.simplify(x)) if not x.is_Rational else x)
    return out if out.is_Rational else sp.simplify(out)


def _at(diffs, values):
    """The worst zero test of the differences at one point."""
    worst = ZERO
    for d in diffs:
        t = zero_test(d.xreplace(values))
        if t in (NONZERO, UNDEFINED):
            return t
        if t == NUMERIC_ZERO:
            worst = t
    return worst


def _points(ctx, grounder, size, gl, gr, diffs, rng, modes, beyond):
    """Try the differences at points; (FAILED, cx) at the first that separates the sides,
    else (None, numeric?, points used)."""
    symbols = set().union(*(d.free_symbols for d in diffs))
    numeric, used, tries = False, 0, 0
    for readable in modes:
        for _ in range(4):  # a point on a pole says nothing: draw again
            values = _point(ctx, grounder, symbols, rng, readable, beyond)
            t = _at(diffs, values)
            if t != UNDEFINED:
                break
        tries += 1
        if t == UNDEFINED:
            continue
        if t == NONZERO:
            return Label.FAILED, _counterexample(ctx, grounder, size, gl, gr, values), used
        numeric = numeric or t == NUMERIC_ZERO
        used += 1
        if not symbols:
            break  # nothing free: one evaluation decides
    if not used:
        return Label.UNDECIDED, None, 0
    return (Label.NUMERIC if numeric else None), None, used


def _align(gl, gr, size):
    if isinstance(gl, sp.MatrixBase) != isinstance(gr, sp.MatrixBase):
        gl, gr = (gl[0, 0] if isinstance(gl, sp.MatrixBase) and gl.shape == (1, 1) else gl,
                  gr[0, 0] if isinstance(gr, sp.MatrixBase) and gr.shape == (1, 1) else gr)
    if isinstance(gl, sp.MatrixBase) != isinstance(gr, sp.MatrixBase) or (
            isinstance(gl, sp.MatrixBase) and gl.shape != gr.shape):
        shape = lambda g: f"a {g.shape[0]}×{g.shape[1]} matrix" if isinstance(g, sp.MatrixBase) else "a scalar"  # noqa: E731
        return None, Counterexample({str(k): v for k, v in size.items()}, {}, shape(gl), shape(gr),
                                    "the two sides have different shapes")
    return (gl, gr), None


def compare_grounded(ctx, grounder, size, gl, gr, salt=0):
    """(label, counterexample, points) for two grounded values at one size."""
    pair, cx = _align(gl, gr, size)
    if pair is None:
        return Label.FAILED, cx, 0
    gl, gr = pair
    diffs = [a - b for a, b in zip(_entries(gl), _entries(gr))]
    beyond = _beyond(*diffs)
    # a wrong step usually shows at the first exact point, long before expand/cancel finish
    label, cx, _ = _points(ctx, grounder, size, gl, gr, diffs, ctx.rng(salt), [True], beyond)
    if label is Label.FAILED:
        return label, cx, 0
    open_diffs = [d for d in diffs if not reduce_zero(exact(d))]
    if not open_diffs:
        return Label.EXACT, None, 0
    # sound reduction did not reach zero, yet no point separates the sides: weaker evidence
    modes = [True] * READABLE_TRIES + [False] * (WIDE_TRIES + RANDOM_POINTS)
    label, cx, used = _points(ctx, grounder, size, gl, gr, open_diffs, ctx.rng(salt), modes, beyond)
    if label is Label.FAILED or label is Label.UNDECIDED:
        return label, cx, 0
    return (label or Label.RANDOM), None, used


SAMPLED_POINTS = [True, False, False]


def check_sampled(ctx, size, left, right, salt=0):
    """(label, counterexample, points) at one size, at exact random points only."""
    d = ctx.derivation
    if _plain_algebra(left, d) and _plain_algebra(right, d):
        numeric = "prefill"
    elif _integrated_outside_derivatives(left, d) and _integrated_outside_derivatives(right, d):
        numeric = "fixed"
    else:
        numeric = False
    g = ctx.grounder(size, numeric=numeric)
    pair, cx = _align(g.ground(left), g.ground(right), size)
    if pair is None:
        return Label.FAILED, cx, 0
    gl, gr = pair
    diffs = [a - b for a, b in zip(_entries(gl), _entries(gr))]
    label, cx, used = _points(ctx, g, size, gl, gr, diffs, ctx.rng(salt + 17), SAMPLED_POINTS, _beyond(*diffs))
    return (label or Label.RANDOM), cx, used


_DIFFERENTIATING = {"Partial", "Loss", "Gradient", "Jacobian", "Derivative"}


def _plain_algebra(e, derivation):
    """Whether e (through definitions) contains nothing that differentiates with respect to
    matrix entries, so that those entries may be numbers."""
    defs = derivation.definitions
    todo, seen = [e], set()
    while todo:
        x = todo.pop()
        for node in sp.preorder_traversal(x):
            if any(c.__name__ in _DIFFERENTIATING for c in type(node).__mro__):
                return False
            if node in defs and node not in seen:
                seen.add(node)
                todo.append(defs[node])
    return True


_INTEGRATING = {"Expectation", "MatExpectation", "Variance"}


def _integrated_outside_derivatives(e, derivation):
    """Whether no expectation lies inside a derivative (through definitions): then values put in
    before integrating cannot reach a derivative."""
    defs = derivation.definitions

    def inside(x, under, seen):
        for node in sp.preorder_traversal(x):
            names = {c.__name__ for c in type(node).__mro__}
            if under and names & _INTEGRATING:
                return True
            if names & _DIFFERENTIATING and any(inside(a, True, seen) for a in node.args):
                return True
            if node in defs and (node, under) not in seen:
                seen.add((node, under))
                if inside(defs[node], under, seen):
                    return True
        return False
    return not inside(e, False, set())


PROVED_ARGUMENT = "normal form of matrix polynomials: transposes, 1×1 products symmetric, traces cyclic"


def compare(ctx, left, right, salt=0):
    """Compare two expressions of ctx's derivation; returns a Comparison
    (label, counterexample, sizes, points)."""
    d = ctx.derivation
    if equal_at_general_size(left, right) or (
            d.definitions and _equal_through_definitions(left, right, d)):
        return Comparison(Label.PROVED, None, [], 0, argument=PROVED_ARGUMENT)
    # grounding with no dimension to fix (concrete matrices) is a check at general size
    sized = (needs_sizes(left, d) or needs_sizes(right, d)) and any(ctx.sizes)
    if not sized:
        g = ctx.grounder({})
        label, cx, pts = compare_grounded(ctx, g, {}, g.ground(left), g.ground(right), salt)
        return Comparison(Label.PROVED if label is Label.EXACT else label, cx, [], pts)
    sp_plan = ctx.plan(left, right)
    if _inverts(left, d) or _inverts(right, d):
        return _compare_rational(ctx, sp_plan, left, right, salt)
    worst, points = Label.EXACT, 0
    for size in sp_plan.exact:
        g = ctx.grounder(size)
        label, cx, pts = compare_grounded(ctx, g, size, g.ground(left), g.ground(right), salt)
        if label in (Label.FAILED, Label.UNDECIDED):
            return Comparison(label, cx, sp_plan.exact, pts)
        worst = label if label.strength > worst.strength else worst
        points += pts
    for size in sp_plan.sampled:
        label, cx, pts = check_sampled(ctx, size, left, right, salt)
        if label in (Label.FAILED, Label.UNDECIDED):
            return Comparison(label, cx, sp_plan.exact, pts, sampled=sp_plan.sampled)
        if label is Label.NUMERIC:
            worst = Label.NUMERIC
        points += pts
    if sp_plan.problem:
        return Comparison(Label.UNDECIDED, None, sp_plan.exact, points, argument=sp_plan.argument,
                          detail=sp_plan.problem)
    return Comparison(worst, None, sp_plan.exact, points, sampled=sp_plan.sampled, argument=sp_plan.argument)


class Planned:
    """The outcome of a comparison over the sizes of the size rule (``at_planned_sizes``)."""

    def __init__(self, label, cx, exact, sampled, points, argument, problem, failed_at=None):
        self.label, self.cx, self.exact, self.sampled = label, cx, exact, sampled
        self.points, self.argument, self.problem, self.failed_at = points, argument, problem, failed_at


def at_planned_sizes(ctx, left, right, exact_at, salt=0):
    """Compare ``left`` with ``right`` at the sizes ``ctx.plan`` asks for: ``exact_at(size)`` ->
    (label, counterexample, points) at each size grounded with symbolic entries, exact random
    points (``check_sampled``) at the others.  One size rule for every checker that grounds."""
    sp_plan = ctx.plan(left, right)
    worst, points = Label.EXACT, 0
    for size in sp_plan.exact:
        label, cx, pts = exact_at(size)
        points += pts
        if label in (Label.FAILED, Label.UNDECIDED):
            return Planned(label, cx, sp_plan.exact, [], points, sp_plan.argument, "", size)
        worst = label if label.strength > worst.strength else worst
    for size in sp_plan.sampled:
        label, cx, pts = check_sampled(ctx, size, left, right, salt)
        points += pts
        if label in (Label.FAILED, Label.UNDECIDED):
            return Planned(label, cx, sp_plan.exact, sp_plan.sampled, points, sp_plan.argument, "", size)
        if label is Label.NUMERIC:
            worst = Label.NUMERIC
    if sp_plan.problem:
        return Planned(Label.UNDECIDED, None, sp_plan.exact, sp_plan.sampled, points, sp_plan.argument,
                       sp_plan.problem)
    return Planned(worst, None, sp_plan.exact, sp_plan.sampled, points, sp_plan.argument, "")


RATIONAL_ARGUMENT = ("inverses make each entry a rational function of the matrix entries: "
                     "evaluated exactly at random rational points, at every size, instead of expanded symbolically")


def _inverts(e, derivation):
    """Whether e (through definitions) inverts a matrix whose size is a dimension, and is plain
    algebra: then symbolic inversion at a size is the slow way to decide (entries become large
    rational functions), and exact random points the fast one."""
    defs = derivation.definitions
    found, todo, seen = False, [e], set()
    while todo and not found:
        x = todo.pop()
        for node in sp.preorder_traversal(x):
            if isinstance(node, sp.Inverse) and not node.args[0].shape[0].is_Integer:
                found = True
                break
            if isinstance(node, sp.MatPow) and node.args[1].is_negative and not node.shape[0].is_Integer:
                found = True
                break
            if node in defs and node not in seen:
                seen.add(node)
                todo.append(defs[node])
    return found and _plain_algebra(e, derivation)


def _compare_rational(ctx, sp_plan, left, right, salt):
    sizes = list(sp_plan.exact) + list(sp_plan.sampled)
    dims = set(ctx.derivation.dimensions)
    scalars = sorted((s for s in _mentioned(left, ctx.derivation.definitions)
                      | _mentioned(right, ctx.derivation.definitions)
                      if s in ctx.domains and s not in dims), key=str)
    rng = ctx.rng(salt + 29)
    if ctx.derivation.definitions:  # a definition may hold the scalars too
        left, right = (_expand_definitions(e, ctx.derivation) for e in (left, right))
    worst, points = Label.RANDOM, 0
    for number, size in enumerate(sizes):
        # scalars get exact values before grounding too: an inverse is then of numbers only
        # (a symbolic λ in a 9×9 inverse is what made these steps time out)
        values = {s: ctx.domain_of(s).sample(rng, readable=number < 2) for s in scalars}
        label, cx, pts = check_sampled(ctx, size, left.xreplace(values), right.xreplace(values), salt)
        if cx is not None:
            cx.values = {**{str(k): str(v) for k, v in values.items()}, **cx.values}
        if label in (Label.FAILED, Label.UNDECIDED):
            return Comparison(label, cx, [], pts, sampled=sizes)
        if label is Label.NUMERIC:
            worst = Label.NUMERIC
        points += pts
    if sp_plan.problem:
        return Comparison(Label.UNDECIDED, None, [], points, argument=sp_plan.argument, detail=sp_plan.problem)
    argument = "; ".join(a for a in (sp_plan.argument, RATIONAL_ARGUMENT) if a)
    return Comparison(worst, None, [], points, sampled=sizes, argument=argument)


def _equal_through_definitions(left, right, derivation):
    try:
        return equal_at_general_size(_expand_definitions(left, derivation), _expand_definitions(right, derivation))
    except (ProblemError, RecursionError, TypeError, ValueError):
        return False  # a definition that cannot be substituted in place (an index formula)


def _expand_definitions(e, derivation):
    defs = {k: v for k, v in derivation.definitions.items() if _plain_algebra(v, derivation)}
    for _ in range(8):
        new = e.xreplace(defs)
        if new == e:
            return e
        e = new
    return e


# public names for checkers in other modules
sample_point = _point
counterexample_at = _counterexample
entries = _entries
is_zero_number = _is_zero_number
