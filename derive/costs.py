"""The cost of evaluating a matrix expression in the order it is written.

Cost model: multiplying an (n×m) matrix by an (m×p) matrix costs c·n·m·p; additions, scalar
multiples and transposes are free.  A product A B C is evaluated left to right, (A B) C, unless
a factor is bracketed with ``grouped`` (printed in brackets, e.g. W (WᵀW)).  ``Cost(expr, c)``
prints as cost[expr] and is evaluated by ``cost_of`` from the expression's own shapes, so the
printed multiplication order is the counted one.
"""
from .lazy import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .errors import ProblemError, Unsupported
from .printing import sizes_math
from .rules import register_rule

register_rule("associativity-of-products", "matrix products are associative: (A B) C = A (B C)")


class Grouped(MatrixExpr):
    """(A): a bracketed matrix expression, evaluated on its own before the product around it."""

    def __new__(cls, inner):
        inner = sp.sympify(inner)
        if not getattr(inner, "is_Matrix", False):
            raise ProblemError(f"only a matrix expression can be grouped, not {inner}")
        return super().__new__(cls, inner)

    @property
    def inner(self):
        return self.args[0]

    @property
    def shape(self):
        return self.inner.shape

    def _eval_transpose(self):
        return Grouped(self.inner.T)

    def _derive_ground(self, grounder):
        return grounder.ground(self.inner)

    def _derive_latex(self, printer):
        return r"\left(" + printer._print(self.inner) + r"\right)"


def grouped(expr):
    return Grouped(expr)


def ordered(*factors):
    """A product kept as written: ordered(1/2, A, B) is ½ A B, with A and B not multiplied out."""
    return sp.MatMul(*factors, evaluate=False)


class Flops(sp.Expr):
    """c·n·m·p, the cost of one (n×m)(m×p) product, printed with its three sizes in order."""

    def __new__(cls, c, n, m, p):
        return super().__new__(cls, *map(sp.sympify, (c, n, m, p)))

    def value(self):
        c, n, m, p = self.args
        return c * n * m * p

    def _derive_ground(self, grounder):
        return self.value().xreplace(grounder.size)

    def _derive_latex(self, printer):
        return r" \cdot ".join(printer._print(a) for a in self.args)


def flops(c, left, right):
    """The cost of multiplying matrices shaped like ``left`` and ``right``."""
    (n, m), (m2, p) = left.shape, right.shape
    if sp.simplify(m - m2) != 0:
        raise ProblemError(f"cannot multiply {left} ({n}×{m}) by {right} ({m2}×{p})")
    return Flops(c, n, m, p)


class Cost(sp.Expr):
    """cost[expr]: the price of evaluating expr as written, with c per scalar multiply-add."""

    def __new__(cls, expr, c):
        expr = sp.sympify(expr)
        if not getattr(expr, "is_Matrix", False):
            raise ProblemError(f"the cost model prices matrix expressions, not {expr}")
        return super().__new__(cls, expr, sp.sympify(c))

    @property
    def expr(self):
        return self.args[0]

    def value(self):
        return cost_of(self.expr, self.args[1])

    def _derive_ground(self, grounder):
        return self.value().xreplace(grounder.size)

    def _derive_latex(self, printer):
        return r"\operatorname{cost}\left[" + printer._print(self.expr) + r"\right]"


def cost_of(e, c):
    """The cost (a polynomial in the dimensions, times c) of evaluating e as written."""
    if isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix, sp.MatrixBase)):
        return sp.S.Zero
    if isinstance(e, sp.Transpose):
        return cost_of(e.arg, c)
    if isinstance(e, Grouped):
        return cost_of(e.inner, c)
    if isinstance(e, sp.MatAdd):
        return sp.Add(*(cost_of(a, c) for a in e.args))
    if isinstance(e, sp.MatMul):
        mats = [a for a in e.args if getattr(a, "is_Matrix", False)]
        total = sp.Add(*(cost_of(a, c) for a in mats))
        rows = mats[0].shape[0]
        for left, right in zip(mats, mats[1:]):  # left to right: (A B) C
            total += c * rows * left.shape[1] * right.shape[1]
        return total
    if isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp >= 1:
        n = e.base.shape[0]  # A^k as A A ... A, left to right: k - 1 square products
        return cost_of(e.base, c) + (e.exp - 1) * c * n**3
    raise Unsupported(f"the cost model does not price {type(e).__name__}")


def evaluate_costs(expr):
    """expr with every cost[...] and c·n·m·p replaced by its polynomial."""
    return expr.replace(lambda e: isinstance(e, (Cost, Flops)), lambda e: e.value())


class _Counter:
    """Evaluates a matrix expression in numpy in the order it is written, adding n·m·p for each
    (n×m)(m×p) product: the cost model run independently of ``cost_of``."""

    def __init__(self, size, rng):
        self.size, self.rng, self.values, self.count = size, rng, {}, 0

    def dim(self, v):
        return int(sp.sympify(v).xreplace(self.size))

    def scalar(self, s):
        return float(sp.sympify(s).xreplace(self.size))

    def eval(self, e):
        if isinstance(e, sp.MatrixSymbol):
            if e not in self.values:
                self.values[e] = self.rng.normal(size=(self.dim(e.shape[0]), self.dim(e.shape[1])))
            return self.values[e]
        if isinstance(e, sp.Identity):
            return np.eye(self.dim(e.rows))
        if isinstance(e, sp.ZeroMatrix):
            return np.zeros((self.dim(e.rows), self.dim(e.cols)))
        if isinstance(e, sp.Transpose):
            return self.eval(e.arg).T
        if isinstance(e, Grouped):
            return self.eval(e.inner)
        if isinstance(e, sp.MatAdd):
            return sum(self.eval(a) for a in e.args)
        if isinstance(e, sp.MatMul):
            scale = np.prod([self.scalar(a) for a in e.args if not getattr(a, "is_Matrix", False)])
            mats = [self.eval(a) for a in e.args if getattr(a, "is_Matrix", False)]
            out = mats[0]
            for m in mats[1:]:  # left to right, as cost_of prices it
                self.count += out.shape[0] * out.shape[1] * m.shape[1]
                out = out @ m
            return scale * out
        if isinstance(e, sp.MatPow) and e.exp.is_Integer and e.exp >= 1:
            base = self.eval(e.base)
            out = base
            for _ in range(int(e.exp) - 1):
                self.count += base.shape[0] ** 3
                out = out @ base
            return out
        raise Unsupported(f"the counting cross-check does not evaluate {type(e).__name__}")


def counted_costs(derivation, sizes, seed=0):
    """Cross-check every part of ``derivation`` in numpy at each size ({dimension: int}) with
    random matrices: a part that prices ``Cost(expr, c)`` has its stated result compared with the
    multiplications an instrumented product counts while evaluating expr as written (c = 1); a
    part rewriting one matrix expression into another has both sides' values compared
    (relative tolerance 1e-12)."""
    from .verdicts import Counterexample, Label, Verdict

    def run(seed=seed):
        rng = np.random.default_rng(seed)
        checked = 0
        for size in sizes:
            shown = {str(k): v for k, v in size.items()}
            for number, part in enumerate(derivation.parts, 1):
                start, result = derivation.steps[part.start].expr, part.result
                if isinstance(start, Cost):
                    counter = _Counter(size, rng)
                    counter.eval(start.expr)
                    stated = evaluate_costs(result).xreplace({start.args[1]: 1}).xreplace(counter.size)
                    if stated != counter.count:
                        return Verdict(-1, "cross-check", Label.FAILED, "numpy", counterexample=Counterexample(
                            shown, {}, f"counted {counter.count}", f"stated {stated}",
                            f"part {number}: multiplications counted while evaluating as written"))
                    checked += 1
                elif getattr(start, "is_Matrix", False) and getattr(result, "is_Matrix", False):
                    counter = _Counter(size, rng)
                    a, b = counter.eval(start), counter.eval(result)
                    if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=1e-12 * max(1.0, abs(a).max())):
                        return Verdict(-1, "cross-check", Label.FAILED, "numpy", counterexample=Counterexample(
                            shown, {}, "the definition's value", "the result's value",
                            f"part {number}: the two sides differ at random matrices"))
                    checked += 1
        if not checked:
            raise ProblemError("counted_costs: no part prices a Cost or rewrites a matrix expression")
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"numpy with random matrices at {sizes_math(sizes)}: an instrumented product counts exactly "
                       "the stated costs ($c = 1$) and rewritten expressions keep their values (relative tolerance 1e-12)",
                       seed=seed, points=len(sizes))
    return run
