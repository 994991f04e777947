"""Equality steps: the new expression equals the previous one."""
from ..comparison import compare
from ..verdicts import Label, Verdict
from . import checker

METHODS = {
    Label.PROVED: "difference reduced to 0 by expand/cancel at general size",
    Label.EXACT: "grounded with symbolic entries; difference reduced to 0 by expand/cancel",
    Label.RANDOM: "exact rational evaluation at random points (symbolic reduction incomplete)",
    Label.FAILED: "the two sides differ at a point",
}


@checker("=")
def check_equality(prev, step, ctx):
    label, cx, sizes, points = compare(ctx, prev.expr, step.expr, salt=step.index)
    return Verdict(step.index, "=", label, METHODS[label], sizes=sizes,
                   seed=ctx.seed if points else None, points=points, counterexample=cx)
