"""Grid steps: the new expression equals the previous one at every point of a finite grid of
integer sizes, each point grounded and compared exactly.

For a count defined by enumeration (window positions, parameters read by a layer, pixels in
a receptive field) against a closed formula, where no general proof is available.  The grid
is stated with the step: ``grid={W: range(1, 9), ...}`` and an optional condition ``where``
(a sympy relation such as ``K <= W + 2*P``).  Every axis needs at least three values, one of
them at least 2, so that 0/1-only coincidences cannot pass.
"""
import itertools

import sympy as sp

from ..comparison import compare_grounded
from ..errors import ProblemError, Unsupported
from ..grounding import Grounder
from ..printing import formula
from ..verdicts import Label, Verdict
from . import checker

MIN_VALUES = 3


def _grid(options):
    grid = options.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise ProblemError("a grid step needs grid={symbol: values, ...}")
    out = {}
    for sym, values in grid.items():
        values = sorted({int(v) for v in values})
        if not isinstance(sym, sp.Symbol):
            raise ProblemError(f"grid axes are symbols, not {sym}")
        if len(values) < MIN_VALUES or max(values) < 2:
            raise ProblemError(f"the grid axis {sym} needs at least {MIN_VALUES} values, one of them >= 2")
        out[sym] = values
    return out


def _holds(where, point):
    if where is None:
        return True
    value = where.xreplace(point)
    if value not in (sp.true, sp.false):
        raise Unsupported(f"the grid condition {where} is not decided at {point}")
    return bool(value)


def _describe(values):
    lo, hi = values[0], values[-1]
    return f"{lo}..{hi}" if values == list(range(lo, hi + 1)) else "{" + ",".join(map(str, values)) + "}"


def _condition(where):
    """The grid condition in words and mathematics: $K \\le W$ and $K \\le H + 2 P$."""
    parts = where.args if isinstance(where, sp.And) else (where,)
    return " and ".join(formula(p) for p in parts)


@checker("grid")
def check_on_grid(prev, step, ctx):
    grid = _grid(step.options)
    where = step.options.get("where")
    axes = list(grid)
    checked = 0
    worst = Label.EXACT
    for combo in itertools.product(*(grid[a] for a in axes)):
        point = {a: sp.Integer(v) for a, v in zip(axes, combo)}
        if not _holds(where, point):
            continue
        g = Grounder(ctx.derivation, point)
        label, cx, _ = compare_grounded(ctx, g, point, g.ground(prev.expr), g.ground(step.expr), step.index)
        if label is Label.FAILED:
            return Verdict(step.index, "grid", label, "the two sides differ at a point of the grid",
                           sizes=[point], counterexample=cx)
        worst = label if label.strength > worst.strength else worst
        checked += 1
    if not checked:
        raise Unsupported("no point of the grid meets the condition")
    condition = f" with {_condition(where)}" if where is not None else ""
    return Verdict(step.index, "grid", worst,
                   f"both sides grounded and compared exactly at all {checked} points of the grid{condition}",
                   sizes=[{str(a): _describe(grid[a]) for a in axes}], points=checked,
                   seed=ctx.seed if worst is Label.RANDOM else None)
