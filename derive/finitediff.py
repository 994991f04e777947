"""Finite differences of a declared forward map: an independent check of a gradient formula.

The part's definition names ∂L/∂v.  The loss, with its upstream gradients drawn at random,
is evaluated in floating point from the declared forward map alone; central differences in
every entry of v are compared with the part's stated result at the same point.  Nothing of
the chain is used.  The sizes differ from those of the exact checks.
"""
import copy

from .lazy import numpy as np
import sympy as sp

from .backprop import graph
from .calculus import Entries, Entry, Loss, Partial, ScalarNode
from .comparison import Context
from .crosschecks import compiled
from .derivation import Declared
from .errors import ProblemError
from .gradient import Gradient
from .grounding import Grounder
from .printing import formula, sizes_math
from .verdicts import Counterexample, Label, Verdict


def _target(derivation, part):
    """(what is differentiated, the node differentiated by): the loss, or a vector node
    F for a Jacobian ∂F_i/∂v_j claimed over (i, j)."""
    top = derivation.steps[derivation.parts[part].start].expr
    body = top.expr if isinstance(top, Entries) else top
    if isinstance(body, Partial) and isinstance(body.f, Loss):
        return body.f, body.v.base
    if (isinstance(body, Partial) and isinstance(body.f, Entry) and isinstance(body.v, Entry)
            and isinstance(top, Entries) and len(top.ranges) == 2 and len(body.f.indices) == 1
            and len(body.v.indices) == 1 and (body.f.indices[0], body.v.indices[0]) == tuple(r[0] for r in top.ranges)):
        return body.f.base, body.v.base
    if (isinstance(body, Partial) and isinstance(body.f, ScalarNode) and isinstance(body.v, Entry)
            and isinstance(top, Entries) and len(top.ranges) == 1 and tuple(body.v.indices) == (top.ranges[0][0],)):
        return body.f, body.v.base  # the gradient of a scalar node, entry by entry
    if isinstance(body, Partial) and body is top and isinstance(body.v, sp.Symbol):
        return body.f, body.v  # ∂f/∂s of a scalar by a declared scalar
    raise ProblemError("finite differences need a part whose definition is ∂L/∂v, over((i, n))(partial(f, v[i])) "
                       "of a scalar node f, ∂f/∂s by a declared scalar s, or a Jacobian "
                       "over((i, n), (j, m))(partial(F[i], v[j])) of vectors")


def _sample(ctx, symbol, gen):
    name = ctx.domain_of(symbol).name
    if name in ("positive", "probability"):
        return gen.uniform(0.2, 0.9) if name == "probability" else gen.uniform(0.5, 2.0)
    return gen.normal()


def _gradients_in(derivation, part):
    top = derivation.steps[derivation.parts[part].start].expr
    return top, [g for g in sp.preorder_traversal(top)
                 if isinstance(g, Gradient) and g.upstream is None and g.at is None]


def _by_differences(derivation, part, ctx, sz, points, h, rtol):
    """A definition with gradients ∇_X f in it: each replaced by central differences of f,
    the definition then evaluated in floating point and compared with the stated result."""
    top, grads = _gradients_in(derivation, part)
    D = copy.copy(derivation)
    holders = {g: sp.MatrixSymbol(f"numeric_gradient_{k}", *g.shape) for k, g in enumerate(grads)}
    D.declared = list(derivation.declared) + [Declared(m, "matrix") for m in holders.values()]
    grounder = Grounder(D, sz)
    value = grounder.ground(top.xreplace(holders))
    stated = grounder.ground(derivation.parts[part].result)
    pieces = [(grounder.scalar(g.output), list(grounder.ground(g.wrt)), list(grounder.ground(holders[g])))
              for g in grads]
    symbols = sorted((value.free_symbols | stated.free_symbols | {s for f, xs, _ in pieces for s in f.free_symbols | set(xs)})
                     - {e for _, _, hs in pieces for e in hs}, key=str)
    functions = [compiled(symbols, f, arrays=False) for f, _, _ in pieces]
    gen, worst = np.random.default_rng(ctx.seed), 0.0
    for _ in range(points):
        point = {s: _sample(ctx, s, gen) for s in symbols}
        numeric = {}
        for fn, (_, xs, hs) in zip(functions, pieces):
            for x, holder in zip(xs, hs):
                up, down = dict(point), dict(point)
                up[x] += h
                down[x] -= h
                numeric[holder] = (fn(*up.values()) - fn(*down.values())) / (2 * h)
        at = {**point, **numeric}
        got = np.array([float(e.xreplace(at)) for e in value], dtype=float)
        want = np.array([float(e.xreplace(point)) for e in stated], dtype=float)
        errors = np.abs(got - want) / np.maximum(1.0, np.abs(want))
        worst = max(worst, float(errors.max()))
        if errors.max() > rtol:
            k = int(errors.argmax())
            cx = Counterexample({str(a): b for a, b in sz.items()}, {str(s): f"{v:.4g}" for s, v in point.items()},
                                f"{got[k]:.8g}", f"{want[k]:.8g}", "the definition with its gradients by central "
                                "differences vs the stated result")
            return Verdict(-1, "cross-check", Label.FAILED, "central differences", counterexample=cx)
    return Verdict(-1, "cross-check", Label.NUMERIC,
                   f"every gradient of the definition by central differences with step {h:g} at {sizes_math([sz])}, "
                   f"the definition "
                   f"evaluated in floating point at {points} random points; largest relative error {worst:.1e} "
                   f"(tolerance {rtol:g})", seed=ctx.seed, points=points)


def finite_differences(derivation, part, size=None, points=3, h=1e-5, rtol=1e-6):
    """A cross-check: central differences of the loss vs the stated ∂L/∂v of part ``part``
    (or of the scalar f in each ∇_X f of the part's definition)."""
    def run(seed=None):  # check passes its seed (None: the default)
        ctx = Context(derivation) if seed is None else Context(derivation, seed)
        sz = size or {dim: 4 - (number % 2) for number, dim in enumerate(derivation.dimensions)}
        if _gradients_in(derivation, part)[1]:
            return _by_differences(derivation, part, ctx, sz, points, h, rtol)
        grounder = Grounder(derivation, sz)
        of, wrt = _target(derivation, part)
        if isinstance(of, Loss):
            below = graph(grounder).downstream(wrt)  # outputs not computed from wrt add a constant
            value = grounder.scalar(Loss(of.name, [p for p in of.pairs if p[0] in below]))
            entries = list(grounder.ground(wrt))
        elif isinstance(wrt, sp.Symbol):
            value, entries = grounder.scalar(of), [wrt]
        elif isinstance(of, ScalarNode):
            value, entries = grounder.scalar(of), list(grounder.ground(wrt))
        else:  # a Jacobian: every output entry, one row of the stated matrix each
            value = sp.Matrix(list(grounder.ground(of)))
            entries = list(grounder.ground(wrt))
        stated = grounder.ground(derivation.parts[part].result)
        if not isinstance(of, (Loss, ScalarNode)) and getattr(stated, "is_Matrix", False):
            stated = stated.T  # column b: ∂F/∂v_b, in the order of the differences
        symbols = sorted(value.free_symbols | stated.free_symbols | set(entries), key=str)
        f_loss = compiled(symbols, value)
        f_stated = compiled(symbols, stated)
        gen = np.random.default_rng(ctx.seed)
        worst = 0.0
        for _ in range(points):
            point = {s: _sample(ctx, s, gen) for s in symbols}
            claimed = np.asarray(f_stated(*point.values()), dtype=float).reshape(-1)
            # one vectorised call: entry e moved up at position 2e and down at 2e + 1
            moved = {s: np.full(2 * len(entries), v) for s, v in point.items()}
            for number, entry in enumerate(entries):
                moved[entry][2 * number] += h
                moved[entry][2 * number + 1] -= h
            values = np.asarray(f_loss(*moved.values()), dtype=float)
            if values.ndim > 1:  # Jacobian: rows are output entries, columns the moved points
                values = values.reshape(values.shape[0], -1).T  # moved point, output entry
            numeric = ((values[0::2] - values[1::2]) / (2 * h)).reshape(-1)
            errors = np.abs(numeric - claimed) / np.maximum(1.0, np.abs(numeric))
            worst = max(worst, float(errors.max()))
            if errors.max() > rtol:
                number = int(errors.argmax())
                shown = {str(s): f"{v:.4g}" for s, v in point.items()}
                cx = Counterexample({str(k): v for k, v in sz.items()}, shown, f"{numeric[number]:.8g}",
                                    f"{claimed[number]:.8g}",
                                    f"finite difference vs stated result, entry {entries[number // (len(numeric) // len(entries))]}")
                return Verdict(-1, "cross-check", Label.FAILED, "central differences", counterexample=cx)
        method = (f"central differences with step {h:g} of the declared forward map in every entry of "
                  f"{formula(wrt)} at {sizes_math([sz])}, {points} random points; largest relative error {worst:.1e} "
                  f"(tolerance {rtol:g})")
        return Verdict(-1, "cross-check", Label.NUMERIC, method, seed=ctx.seed, points=points)
    return run
