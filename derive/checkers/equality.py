"""Equality steps: the new expression equals the previous one."""
from ..citations import check_cited
from ..comparison import NUMERIC_NOTE, compare
from ..verdicts import Label, Verdict
from . import checker

METHODS = {
    Label.PROVED: "difference reduced to 0 at general size",
    Label.EXACT: "grounded with symbolic entries; difference reduced to 0 by expand/cancel",
    Label.RANDOM: "exact rational evaluation at random points (symbolic reduction incomplete)",
    Label.NUMERIC: "evaluation at random points; " + NUMERIC_NOTE,
    Label.FAILED: "the two sides differ at a point",
    Label.UNDECIDED: "no decision at the sizes available",
}


@checker("=")
def check_equality(prev, step, ctx):
    if step.options.get("using"):
        return check_cited(prev, step, ctx, plain_equality)
    return plain_equality(prev, step, ctx)


def plain_equality(prev, step, ctx):
    """The step against the previous one, with no citation."""
    c = compare(ctx, prev.expr, step.expr, salt=step.index)
    label, cx, sizes, points = c
    return Verdict(step.index, "=", label, METHODS[label], sizes=sizes,
                   seed=ctx.seed if points else None, points=points, counterexample=cx,
                   argument=c.argument, sampled=c.sampled, detail=c.detail)
