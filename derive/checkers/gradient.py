"""Gradient steps: ∂L/∂w rewritten through the forward map, checked by exact differentiation.

∂L/∂w is declared by its forward map Y(w) and the upstream gradient dY = ∂L/∂Y.  At a
concrete size the engine grounds Y into explicit entries, forms L = Σ_ij dY_ij Y_ij with
symbolic dY (exact for first derivatives: only ∂L/∂Y enters the chain rule) and
differentiates with respect to every entry of w.  ∂f/∂v of scalars grounds the same way.
"""
import sympy as sp
from sympy.core.symbol import Str
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..comparison import compare_grounded
from ..convolution import memo_ground
from ..errors import ProblemError, ShapeMismatch, Unsupported
from ..grounding import Grounder, mentions
from ..mathobjects import Expectation, MatExpectation, Variance
from ..rules import register_rule
from ..verdicts import Label, Verdict
from . import checker

register_rule("chain-rule-upstream",
              "chain rule: ∂L/∂w_a = Σ_b (∂L/∂y_b)(∂y_b/∂w_a), the upstream gradient ∂L/∂Y given",
              ("gradient",))


class Grad(MatrixExpr):
    """∂L/∂w for a loss L that depends on w only through Y(w), with ∂L/∂Y = upstream."""

    def __new__(cls, output, wrt, upstream, loss="L"):
        output, upstream = sp.sympify(output), sp.sympify(upstream)
        if not isinstance(wrt, sp.MatrixSymbol):
            raise ProblemError(f"∂L/∂w needs w to be a declared matrix, got {wrt}")
        if not (getattr(output, "is_Matrix", False) and getattr(upstream, "is_Matrix", False)):
            raise ShapeMismatch("∂L/∂w needs a matrix forward map Y and a matrix upstream gradient dY")
        if upstream.has(wrt):
            raise ProblemError(f"the upstream gradient {upstream} must not depend on {wrt}: it is held fixed")
        if any(sp.simplify(a - b) != 0 for a, b in zip(output.shape, upstream.shape)):
            raise ShapeMismatch(f"the upstream gradient {upstream} ({upstream.shape[0]}×{upstream.shape[1]}) "
                                f"must have the shape of the output {output} ({output.shape[0]}×{output.shape[1]})")
        return super().__new__(cls, output, wrt, upstream, loss if isinstance(loss, Str) else Str(loss))

    output = property(lambda self: self.args[0])
    wrt = property(lambda self: self.args[1])
    upstream = property(lambda self: self.args[2])
    loss = property(lambda self: self.args[3])

    @property
    def shape(self):
        return self.wrt.shape

    @memo_ground
    def _derive_ground(self, g):
        y, u, w = g.ground(self.output), g.ground(self.upstream), g.ground(self.wrt)
        if y.shape != u.shape:
            raise ShapeMismatch(f"upstream gradient {u.shape} and output {y.shape} differ at size {g.size}")
        loss = sp.expand(sum(a * b for a, b in zip(u, y)))
        return sp.ImmutableMatrix(w.rows, w.cols, lambda a, b: sp.diff(loss, w[a, b]))

    def _derive_latex(self, printer):
        return (r"\frac{\partial " + printer._deal_with_super_sub(self.loss.name) + r"}{\partial "
                + printer._print(self.wrt) + "}")


def grad(output, wrt, upstream, loss="L"):
    """∂L/∂w where L depends on ``wrt`` only through ``output`` and ∂L/∂output = ``upstream``."""
    return Grad(output, wrt, upstream, loss)


class Partial(sp.Expr):
    """∂f/∂v of a scalar f with respect to one scalar entry v (e.g. ∂y_{i,j}/∂w_{h,l})."""

    is_commutative = True

    def __new__(cls, f, v):
        return super().__new__(cls, sp.sympify(f), sp.sympify(v))

    def _derive_ground(self, g):
        f, v = g.scalar(self.args[0]), g.scalar(self.args[1])
        if not isinstance(v, sp.Symbol):
            raise Unsupported(f"∂/∂({self.args[1]}) is not a derivative with respect to one variable")
        return sp.diff(f, v)

    def _derive_latex(self, printer):
        return (r"\frac{\partial " + printer._print(self.args[0]) + r"}{\partial "
                + printer._print(self.args[1]) + "}")


def partial(f, v):
    """∂f/∂v for scalars (v an entry of a declared matrix)."""
    return Partial(f, v)


def _grounder(ctx, size, random):
    g = Grounder(ctx.derivation, size)
    if not random:  # nothing is integrated out: show every sampled matrix in a counterexample
        g.random = {}
    return g


@checker("gradient")
def check_gradient(prev, step, ctx):
    defs = ctx.derivation.definitions
    if not mentions(prev.expr, Grad, defs):
        raise Unsupported("a gradient step rewrites ∂L/∂w, and the previous step has none")
    if mentions(step.expr, Grad, defs):
        raise Unsupported("a gradient step must carry out the differentiation: the step still has ∂L/∂w")
    random = any(mentions(e, (Expectation, MatExpectation, Variance), defs) for e in (prev.expr, step.expr))
    worst, points = Label.EXACT, 0
    for size in ctx.sizes:
        g = _grounder(ctx, size, random)
        label, cx, pts = compare_grounded(ctx, g, size, g.ground(prev.expr), g.ground(step.expr), step.index)
        points += pts
        if label is Label.FAILED:
            return Verdict(step.index, "gradient", label, "the two sides differ at a point",
                           sizes=ctx.sizes, counterexample=cx)
        worst = label if label.strength > worst.strength else worst
    how = ("difference reduced to 0 by expand/cancel" if worst is Label.EXACT
           else "exact rational evaluation at random points (symbolic reduction incomplete)")
    return Verdict(step.index, "gradient", worst,
                   "forward map grounded with symbolic entries, L = Σ dY∘Y with symbolic upstream "
                   "gradient, differentiated exactly; " + how,
                   sizes=ctx.sizes, seed=ctx.seed if points else None, points=points)
