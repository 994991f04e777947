"""Evaluation steps: the previous step is an expression at a value, (…)|_{n=1}; the step
is its value there.

n = 1 is a size like any other: the expression is grounded at it (entries symbolic,
derivatives exact) and compared with the step.  The claim is about that value only, so the
verdict names it: checked exactly at n=1.
"""
from ..calculus import At, visible_dims
from ..errors import ProblemError, Unsupported
from ..rules import register_rule
from ..verdicts import Label, Verdict
from . import checker
from .derivative import compare_exact

register_rule("evaluate-at", "put the value in; with n = 1 every index is 1", ("evaluate",))


@checker("evaluate", symbol="=")
def check_evaluate(prev, step, ctx):
    at = prev.expr
    if not isinstance(at, At):
        raise Unsupported("an evaluation step needs the previous step written at a value, At(expr, {n: 1})")
    dims = set(ctx.derivation.dimensions)
    fixed = {k: v for k, v in at.values.items() if k in dims}
    for k, v in fixed.items():
        if not (v.is_Integer and v >= 1):
            raise ProblemError(f"a dimension can only be set to a positive integer, got {k} = {v}")
    shown = visible_dims(at.inner, dims) | visible_dims(step.expr, dims) | set(fixed)
    sizes, reported = [], []
    sized = ctx.plan(at.inner.xreplace(fixed), step.expr)  # the size rule over the dimensions left free
    if sized.problem:
        return Verdict(step.index, "evaluate", Label.UNDECIDED, "grounded at the value itself",
                       argument=sized.argument, detail=sized.problem)
    for s in sized.exact + sized.sampled:
        size = {**s, **fixed}
        label = {k: v for k, v in size.items() if k in shown}
        if label not in reported:
            sizes.append(size)
            reported.append(label)
    worst, points = Label.EXACT, 0
    for size, label_size in zip(sizes, reported):
        g = ctx.grounder(size)
        label, cx, pts = compare_exact(ctx, g, label_size, g.ground(at), g.ground(step.expr), step.index)
        if label is Label.FAILED:
            return Verdict(step.index, "evaluate", label, "the two sides differ at a point",
                           sizes=[label_size], seed=ctx.seed, counterexample=cx)
        worst, points = max(worst, label, key=lambda x: x.strength), points + pts
    method = "grounded at the value itself with symbolic entries, derivatives exact; " + (
        "difference reduced to 0 as a rational function" if worst is Label.EXACT else "checked at random points")
    return Verdict(step.index, "evaluate", worst, method, sizes=reported, argument=sized.argument,
                   seed=ctx.seed if points else None, points=points)
