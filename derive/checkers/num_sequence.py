"""Sequence steps ("sequence"): both sides are the same sequence, for every integer n.

Two routes, both exact (derive/sequences.py):
- pieces: Z is split where a condition of either side can change; on each piece both sides
  are summed in closed form with symbolic n and their difference reduced to 0 (a piece where
  that fails is decided by every integer in it when it is finite, else at sample points and
  labelled as such);
- values: both sides added term by term at every n of a window around the cuts.
A difference at any integer is a counterexample naming n and both values.
"""
import random

import sympy as sp

from ..errors import Unsupported
from ..fir import INTEGERS, signal_definitions
from ..printing import latex
from ..rules import register_rule
from ..sequences import closed_form, cut_points, intervals, is_zero, sequence_terms, value_at
from ..verdicts import Counterexample, Label, Verdict
from . import checker

for _name, _text in [
    ("finite-support", "only the terms where every factor can be nonzero remain in the sum"),
    ("unit-step-limits", r"$u(n - k) = 1$ exactly when $k \le n$: it moves into the limits of the sum"),
    ("shift-summation-index", "substitute a shifted summation variable; the sum runs over the same terms"),
    ("geometric-series-sum", "Σ_{j=0}^{m} r^j = (1 - r^{m+1})/(1 - r) for r ≠ 1"),
    ("simplify-constants", "exact arithmetic on the numbers"),
    ("signal-definition", "write a declared signal by its definition"),
    ("shift-of-result", "the result found above, at n - s for n"),
]:
    register_rule(_name, _text, ("sequence",))

WINDOW = range(-6, 13)  # always compared value by value here, plus around every cut
EXHAUSTIVE = 400  # a finite piece up to this length is decided point by point
FAR = (10, 100, 1000)  # sample offsets into an infinite piece when symbolic reduction fails


def _index(ctx, prev, step):
    indices = {d.obj for d in ctx.derivation.declared if d.domain is INTEGERS}
    used = (prev.expr.free_symbols | step.expr.free_symbols) & indices
    if len(used) > 1:
        raise Unsupported(f"a sequence step is about one index; both of {', '.join(map(str, used))} occur")
    if not used:
        if len(indices) == 1:
            return next(iter(indices))
        raise Unsupported("declare the time index with derive.fir.time_index(D)")
    return next(iter(used))


def _points(lo, hi, rng):
    if lo != -sp.oo and hi != sp.oo:
        return [lo + i for i in range(int(hi - lo) + 1)], True
    start, sign = (lo, 1) if lo != -sp.oo else ((hi, -1) if hi != sp.oo else (sp.S.Zero, 1))
    near = [start + sign * i for i in range(12)]
    far = [start + sign * (f + rng.randint(0, f)) for f in FAR]
    return near + far, False


def _cx(n, at, a, b, note):
    return Counterexample({}, {str(n): str(at)}, str(a), str(b), note)


@checker("sequence")
def check_sequence(prev, step, ctx):
    n = _index(ctx, prev, step)
    definitions = signal_definitions(ctx.derivation)
    before, after = sequence_terms(prev.expr, definitions), sequence_terms(step.expr, definitions)
    cuts = cut_points(before, n) | cut_points(after, n)
    window = sorted(set(WINDOW) | {c + i for c in cuts for i in range(-2, 2)})
    for at in window:
        a, b = value_at(before, n, at), value_at(after, n, at)
        if not is_zero(a - b):
            return Verdict(step.index, "sequence", Label.FAILED, "term-by-term values at each n",
                           counterexample=_cx(n, at, a, b, f"the two sequences differ at {n} = {at}"))
    label, notes, points = Label.PROVED, [], 0
    rng = random.Random(ctx.seed + step.index)
    for lo, hi in intervals(cuts):
        a, b = closed_form(before, n, lo, hi), closed_form(after, n, lo, hi)
        for at in (x for x in window if lo <= x <= hi):  # the closed forms must agree with the sums
            if not (is_zero(a.xreplace({n: at}) - value_at(before, n, at))
                    and is_zero(b.xreplace({n: at}) - value_at(after, n, at))):
                raise Unsupported(f"sympy's closed form on {_piece(n, lo, hi)} disagrees with the sum at {n} = {at}")
        if is_zero(a - b):
            continue
        exhaustive = lo != -sp.oo and hi != sp.oo and hi - lo < EXHAUSTIVE
        candidates, _ = _points(lo, hi, rng) if exhaustive or lo == -sp.oo or hi == sp.oo else ([], False)
        for at in candidates:
            va, vb = value_at(before, n, at), value_at(after, n, at)
            if not is_zero(va - vb):
                return Verdict(step.index, "sequence", Label.FAILED, "term-by-term values at each n",
                               counterexample=_cx(n, at, va, vb, f"the two sequences differ at {n} = {at}"))
        if exhaustive:
            notes.append(f"{_piece(n, lo, hi)} by its value" if lo == hi
                         else f"{_piece(n, lo, hi)} by each of its {int(hi - lo) + 1} values")
        elif candidates:
            label, points = Label.RANDOM, points + len(candidates)
            notes.append(f"{_piece(n, lo, hi)} only at {len(candidates)} points")
        else:
            raise Unsupported(f"cannot decide the piece {_piece(n, lo, hi)}")
    v = latex(n)
    split = (rf"$\mathbb{{Z}}$ split before ${v} = " + ", ".join(str(c) for c in sorted(cuts)) + "$") if cuts \
        else r"$\mathbb{Z}$ not split"
    method = (f"{split}; on each piece both sides summed in closed form with "
              f"symbolic ${v}$ (limits resolved on the piece; geometric-series formula or sympy's summation) "
              f"and the difference reduced to 0"
              + (f" (except {'; '.join(notes)})" if notes else "")
              + rf"; both sides also added term by term at every ${v} = {window[0]}, \dots, {window[-1]}$")
    return Verdict(step.index, "sequence", label, method, seed=ctx.seed if points else None, points=points)


def _piece(n, lo, hi):
    """A piece of Z as prose with mathematics: all $n$, $n = 6$, $n \\le 3$, $0 \\le n \\le 5$."""
    v = latex(n)
    if lo == -sp.oo and hi == sp.oo:
        return f"all ${v}$"
    if lo == hi:
        return f"${v} = {lo}$"
    if lo == -sp.oo:
        return rf"${v} \le {hi}$"
    if hi == sp.oo:
        return rf"${v} \ge {lo}$"
    return rf"${lo} \le {v} \le {hi}$"
