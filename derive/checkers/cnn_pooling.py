"""Gradient-at-a-point steps: the previous side is ∂/∂X ⟨dY, Y(X)⟩ at X = X_0 (derive.cnn.GradAt).

The forward map Y is grounded with symbolic input entries and L = Σ dY ∘ Y formed with the
upstream gradient as given (symbolic dY: exact for first derivatives).  A maximum is replaced
by its argument that is strictly largest at X_0, the linear piece that holds near X_0 (a tie
is a kink: undecided, never passed); the result is differentiated exactly and evaluated at X_0.
The new step must carry the differentiation out (no GradAt left) and equal it entry by entry.
"""

from ..cnn import GradAt
from ..comparison import compare_grounded
from ..errors import Unsupported
from ..grounding import mentions
from ..verdicts import Label, Verdict
from . import checker


@checker("gradient-at")
def check_gradient_at(prev, step, ctx):
    defs = ctx.derivation.definitions
    if not mentions(prev.expr, GradAt, defs):
        raise Unsupported("a gradient-at step rewrites a gradient at a point, and the previous step has none")
    if mentions(step.expr, GradAt, defs):
        raise Unsupported("a gradient-at step must carry out the differentiation")
    g = ctx.grounder({})
    label, cx, points = compare_grounded(ctx, g, {}, g.ground(prev.expr), g.ground(step.expr), step.index)
    if label is Label.FAILED:
        return Verdict(step.index, "gradient-at", label, "the two sides differ at a point", counterexample=cx)
    if label is Label.EXACT and not ctx.derivation.dimensions:
        label = Label.PROVED  # a concrete statement, shown for every value of the symbolic entries
    how = ("difference reduced to 0 by expand/cancel" if label is not Label.RANDOM
           else "exact rational evaluation at random points (symbolic reduction incomplete)")
    return Verdict(step.index, "gradient-at", label,
                   "forward map grounded, L = Σ dY∘Y with the upstream gradient as given, each maximum replaced "
                   "by its unique largest argument at the point, differentiated exactly and evaluated there; "
                   + how, seed=ctx.seed if points else None, points=points)
