"""Gradient steps: a gradient (derive.gradient) carried out, checked by exact differentiation.

The previous side holds ∇_X f, ∂L/∂X through a forward map, or either at a point; the step
must carry the differentiation out (no gradient left).  At each size both sides are grounded
(the gradient differentiated exactly, see derive.gradient) and compared entry by entry.
A derivation without dimensions is one concrete statement: an exact reduction there,
valid for every value of the symbolic entries, is a proof.
"""
import sympy as sp

from ..comparison import at_planned_sizes, compare_grounded
from ..grounding import Grounder, mentions
from ..gradient import Gradient
from ..mathobjects import Expectation, MatExpectation, Variance
from ..printing import latex
from ..errors import Unsupported
from ..rules import register_rule
from ..verdicts import Label, Verdict
from . import checker

register_rule("chain-rule-upstream",
              "chain rule: ∂L/∂w_a = Σ_b (∂L/∂y_b)(∂y_b/∂w_a), the upstream gradient ∂L/∂Y given",
              ("gradient",))
register_rule("gradient-of-quadratic-form",
              r"$\nabla_x (x^\top A x) = (A + A^\top) x$; in particular $\nabla_w \frac{\lambda}{2} w^\top w = \lambda w$", ("gradient", "="))
register_rule("gradient-of-bilinear-form", r"$\nabla_x (a^\top x) = a$ and $\nabla_A (u^\top A v) = u v^\top$", ("gradient", "="))

def _method(expr, defs):
    """What was done, saying only what applies: an upstream gradient, maxima."""
    notes = []
    through = [g for g in _gradients(expr, defs) if g.upstream is not None]
    if through:  # the loss seen through the map, in the names of the first such gradient
        g = through[0]
        loss, up = latex(sp.Symbol(g.loss.name)), latex(g.upstream)
        out, named = (latex(g.output), "") if isinstance(g.output, sp.MatrixSymbol) else ("Y", " for the output $Y$")
        notes.append(f"${loss} = \\sum_{{i,j}} {up}_{{i,j}}\\, {out}_{{i,j}}${named}, with the upstream gradient "
                     f"${up}$ held fixed")
    if any(type(n).__name__ in ("Max", "MaxPool") for n in _nodes(expr, defs)):
        notes.append("at a point, each maximum replaced by its unique largest argument there")
    return ("the function grounded with symbolic entries" + (f" ({'; '.join(notes)})" if notes else "")
            + ", differentiated exactly; ")


def _nodes(expr, defs):
    """Every node of expr, through named definitions."""
    todo, seen = [expr], set()
    while todo:
        for node in sp.preorder_traversal(todo.pop()):
            yield node
            if node in defs and node not in seen:
                seen.add(node)
                todo.append(defs[node])


def _gradients(expr, defs):
    return [n for n in _nodes(expr, defs) if isinstance(n, Gradient)]


def _grounder(ctx, size, random):
    g = Grounder(ctx.derivation, size)
    if not random:  # nothing is integrated out: show every sampled matrix in a counterexample
        g.random = {}
    return g


def check_gradient(prev, step, ctx, relation="gradient"):
    defs = ctx.derivation.definitions
    if not mentions(prev.expr, Gradient, defs):
        raise Unsupported("a gradient step rewrites a gradient, and the previous step has none")
    if mentions(step.expr, Gradient, defs):
        raise Unsupported("a gradient step must carry out the differentiation: the step still has a gradient")
    random = any(mentions(e, (Expectation, MatExpectation, Variance), defs) for e in (prev.expr, step.expr))
    how_exact = "difference reduced to 0 by expand/cancel"
    how_random = "exact rational evaluation at random points (symbolic reduction incomplete)"
    if not ctx.derivation.dimensions:  # one concrete statement: an exact reduction is a proof
        g = _grounder(ctx, {}, random)
        label, cx, points = compare_grounded(ctx, g, {}, g.ground(prev.expr), g.ground(step.expr), step.index)
        if label is Label.FAILED:
            return Verdict(step.index, relation, label, "the two sides differ at a point", counterexample=cx)
        label = Label.PROVED if label is Label.EXACT else label
        return Verdict(step.index, relation, label,
                       _method(prev.expr, defs) + (how_exact if label is Label.PROVED else how_random),
                       seed=ctx.seed if points else None, points=points)

    def exact_at(size):
        g = _grounder(ctx, size, random)
        return compare_grounded(ctx, g, size, g.ground(prev.expr), g.ground(step.expr), step.index)

    out = at_planned_sizes(ctx, prev.expr, step.expr, exact_at, step.index)
    if out.label is Label.FAILED:
        return Verdict(step.index, relation, out.label, "the two sides differ at a point",
                       sizes=[out.failed_at], counterexample=out.cx)
    how = how_random if out.label is Label.RANDOM else how_exact
    if out.label is Label.UNDECIDED:
        return Verdict(step.index, relation, out.label, _method(prev.expr, defs) + how, sizes=out.exact,
                       sampled=out.sampled, argument=out.argument, detail=out.problem or "no point decided the step")
    return Verdict(step.index, relation, out.label, _method(prev.expr, defs) + how, sizes=out.exact,
                   sampled=out.sampled, argument=out.argument, seed=ctx.seed if out.points else None,
                   points=out.points)


checker("gradient")(check_gradient)
checker("gradient-at")(lambda prev, step, ctx: check_gradient(prev, step, ctx, "gradient-at"))
