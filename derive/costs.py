"""The cost of evaluating a matrix expression in the order it is written.

Cost model: multiplying an (n×m) matrix by an (m×p) matrix costs c·n·m·p; additions, scalar
multiples and transposes are free.  A product A B C is evaluated left to right, (A B) C, unless
a factor is bracketed with ``grouped`` (printed in brackets, e.g. W (WᵀW)).  ``Cost(expr, c)``
prints as cost[expr] and is evaluated by ``cost_of`` from the expression's own shapes, so the
printed multiplication order is the counted one.
"""
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .errors import ProblemError, Unsupported
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
