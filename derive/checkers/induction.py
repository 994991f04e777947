"""Induction steps: a closed form f(n) for a sequence given by its first value and a step.

The previous expression is a ``derive.recurrence`` r_n with r_a = base and
r_{l+1} = step(r_l, l).  The closed form is proved when f(a) − base and
f(l+1) − step(f(l), l) (l a fresh integer symbol) both reduce to 0 by expand/cancel.
When a check does not reduce, the sequence is iterated from its first value and compared
with f at small n and random values of the other symbols to find a counterexample; if none
is found the step is undecided, never passed.
"""
import sympy as sp

from ..recurrence import Recurrence
from ..comparison import reduce_zero
from ..errors import Unsupported
from ..printing import formula, latex
from ..rules import register_rule
from ..verdicts import Counterexample, Label, Verdict
from . import checker

register_rule("closed-form-by-induction", "the closed form meets the recurrence's first value and its step",
              ("induction",))

SEARCH_TERMS = 8
SEARCH_POINTS = 6


def _counterexample(ctx, rec, f, index):
    rng = ctx.rng(index)
    others = sorted((f.free_symbols | rec.step.free_symbols | sp.sympify(rec.base).free_symbols)
                    - {rec.var, rec.prev, rec.index}, key=str)
    for _ in range(SEARCH_POINTS):
        point = {s: sp.Integer(rng.randint(1, 9)) for s in others}
        value = rec.base.xreplace(point)
        first = int(rec.first)
        for n in range(first, first + SEARCH_TERMS):
            if n > first:
                value = sp.expand(rec.step.xreplace({rec.prev: value, rec.index: n - 1}).xreplace(point))
            closed = sp.expand(f.xreplace({rec.var: n}).xreplace(point))
            if not reduce_zero(value - closed):
                return Counterexample({str(rec.var): n}, {str(s): str(v) for s, v in point.items()},
                                      str(value), str(closed),
                                      f"the recurrence gives {rec.name}_{n} = {value}, the closed form {closed}")
    return None


@checker("induction")
def check_induction(prev, step, ctx):
    rec = prev.expr
    if not isinstance(rec, Recurrence):
        raise Unsupported("an induction step needs a recurrence (derive.recurrence(...)) before it")
    g = ctx.grounder({})
    f = g.scalar(step.expr)
    step_fn = g.scalar(rec.step)
    rec = Recurrence(rec.name, rec.var, rec.first, g.scalar(rec.base), step_fn, rec.prev, rec.index)
    t = sp.Dummy("l", integer=True)
    base_ok = reduce_zero(f.xreplace({rec.var: rec.first}) - rec.base)
    step_ok = reduce_zero(f.xreplace({rec.var: t + 1})
                          - step_fn.xreplace({rec.prev: f.xreplace({rec.var: t}), rec.index: t}))
    if base_ok and step_ok:
        return Verdict(step.index, "induction", Label.PROVED,
                       f"by induction on {formula(rec.var)}: the closed form meets the first value at "
                       f"{formula(sp.Eq(rec.var, rec.first))}, and at ${latex(rec.var)} = l + 1$ it equals the "
                       f"recurrence's step applied to its value at ${latex(rec.var)} = l$ (difference reduced to 0 "
                       f"by expand/cancel for symbolic $l$)")
    cx = _counterexample(ctx, rec, f, step.index)
    if cx is None:
        raise Unsupported("the induction step does not reduce to 0, and no term of the sequence disagrees")
    what = "first value" if not base_ok else "inductive step"
    return Verdict(step.index, "induction", Label.FAILED, f"the {what} of the induction fails",
                   counterexample=cx)
