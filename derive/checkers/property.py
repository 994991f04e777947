"""Property steps: the previous object satisfies a claim, e.g. every column has norm 1/c.

The claim's subject must be the previous step's object (compared like an equality), and
the claim is grounded at every concrete size for every value of its index, each instance
reduced exactly (or, failing that, evaluated at random points).  A false instance is a
counterexample naming the index.
"""
import dataclasses

import sympy as sp

from ..claims import ForEvery
from ..comparison import check_sampled, compare, compare_grounded
from ..errors import Unsupported
from ..printing import formula
from ..rules import register_rule
from ..verdicts import Label, Verdict
from . import checker

register_rule("column-norms", "the squared norm of a column is the sum of its squared entries", ("property",))

METHODS = {
    Label.PROVED: "claim reduced exactly",
    Label.EXACT: "claim grounded with symbolic entries for every index; each instance reduced to 0 "
                 "by expand/cancel",
    Label.RANDOM: "claim evaluated in exact rationals at random points for every index "
                  "(symbolic reduction incomplete)",
    Label.FAILED: "an instance of the claim is false",
}


def _failed(step, method, cx=None, detail="", sizes=()):
    return Verdict(step.index, "property", Label.FAILED, method, sizes=list(sizes),
                   counterexample=cx, detail=detail)


@checker("property")
def check_property(prev, step, ctx):
    claim = step.expr
    if not isinstance(claim, ForEvery):
        raise Unsupported(f"the engine checks claims of the form for_every(...), not {type(claim).__name__}")
    salt = step.index
    label, cx, _, points = compare(ctx, prev.expr, claim.subject, salt)
    if label is Label.FAILED:
        return _failed(step, "the claim's subject against the previous step", cx,
                       "the claim is about a different object than the previous step")
    worst = label if label.strength > Label.EXACT.strength else Label.EXACT
    sized = ctx.plan(claim.lhs, claim.rhs)  # the size rule, as for any comparison
    for size in sized.exact + sized.sampled:
        g = ctx.grounder(size)
        for value in range(1, g.dim(claim.upper) + 1):
            lhs, rhs = claim.at(value)
            if size in sized.exact:
                got, cx, pts = compare_grounded(ctx, g, size, g.ground(lhs), g.ground(rhs), salt)
            else:
                got, cx, pts = check_sampled(ctx, size, lhs, rhs, salt)
            if got is Label.FAILED:
                note = f"instance {claim.index} = {value}" + (f"; {cx.note}" if cx.note else "")
                return _failed(step, METHODS[Label.FAILED], dataclasses.replace(cx, note=note),
                               sizes=[size])
            if got is Label.UNDECIDED:
                return Verdict(step.index, "property", got, METHODS[Label.EXACT], sizes=[size],
                               detail=f"the instance {formula(sp.Eq(claim.index, value))} was not decided")
            # as in compare: exact random points at the further sizes of the size rule add to the
            # exact evidence at the grounded sizes; only a floating-point decision weakens it
            if (size in sized.exact or got is Label.NUMERIC) and got.strength > worst.strength:
                worst = got
            points += pts
    if sized.problem:
        return Verdict(step.index, "property", Label.UNDECIDED, METHODS[Label.EXACT], sizes=sized.exact,
                       sampled=sized.sampled, argument=sized.argument, detail=sized.problem)
    return Verdict(step.index, "property", worst, METHODS.get(worst, METHODS[Label.RANDOM]), sizes=sized.exact,
                   sampled=sized.sampled, argument=sized.argument, seed=ctx.seed if points else None, points=points)
