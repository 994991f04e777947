"""Substitution steps, stated as data: a change of variables or a specialisation.

``change_variables(D, {w̃: w/p}, expr)``: the previous expression with w̃ replaced by w/p
equals ``expr``, and the map w ↦ w/p is invertible (checked by checkers/substitution.py).
``specialise(D, {Γ: cΓ̃}, expr)``: a general quantity takes a particular value; an identity
for every Γ holds for this one, so no invertibility is needed.

``minimisers_correspond`` is an independent numeric cross-check of a change of variables in
an objective: numpy minimisers of the part's definition and of its result, mapped.
"""
from .lazy import numpy as np
import sympy as sp

from .comparison import Context
from .crosschecks import compiled
from .errors import ProblemError
from .grounding import Grounder
from .printing import latex, sizes_math
from .shapes import check_shapes
from .verdicts import Counterexample, Label, Verdict

CHANGE = "change"
SPECIALISE = "specialise"


def shape_of(e):
    return tuple(e.shape) if getattr(e, "is_Matrix", False) else (1, 1)


def validated(replace):
    """The substitution as a dict {old symbol: new expression}, or a ProblemError."""
    if not isinstance(replace, dict) or not replace:
        raise ProblemError("a substitution is a non-empty dict {old: new}")
    out = {}
    for old, new in replace.items():
        new = sp.sympify(new)
        if not isinstance(old, (sp.Symbol, sp.MatrixSymbol)):
            raise ProblemError(f"only a symbol can be substituted for, not {old}")
        check_shapes(new)
        if shape_of(old) != shape_of(new):
            raise ProblemError(f"cannot substitute {new} (shape {shape_of(new)}) for {old} (shape {shape_of(old)})")
        out[old] = new
    return out


def new_variable(old, new, known, definitions, named=None):
    """The fresh variable ``old`` is written in: ``named``, or the only symbol of old's shape
    in ``new`` that is neither ``known`` nor a named definition (None if there is none)."""
    fresh = [x for x in new.atoms(sp.MatrixSymbol) | new.free_symbols
             if x not in known and x not in definitions and shape_of(x) == shape_of(old)]
    if named is not None:
        return named if named in fresh else None
    if len(fresh) > 1:
        raise ProblemError(f"{new} has several candidate new variables ({', '.join(map(str, fresh))}); "
                           "name one with variable=...")
    return fresh[0] if fresh else None


def substitution_latex(replace):
    return ",\\ ".join(f"{latex(old)} = {latex(new)}" for old, new in replace.items())


def _substitute(D, replace, expr, why, rule, verb, **options):
    replace = validated(replace)
    text = f"{verb} ${substitution_latex(replace)}$" + (f": {why}" if why else "")
    return D.step(expr, "substitute", rule, text, replace=replace, **options)


def change_variables(D, replace, expr, why="", variable=None):
    """Next step: the previous one after the invertible change of variables ``replace``.

    ``variable``: the new variable, when the replacement holds several fresh symbols of its shape."""
    return _substitute(D, replace, expr, why, "change-of-variables", "put", kind=CHANGE, variable=variable)


def specialise(D, replace, expr, why=""):
    """Next step: the previous one with a general quantity given a particular value."""
    return _substitute(D, replace, expr, why, "specialise", "take", kind=SPECIALISE)


# -- numeric cross-check ------------------------------------------------------------
FLOAT_SAMPLERS = {  # floats from each domain, for numeric cross-checks
    "real": lambda rng: rng.normal(),
    "probability": lambda rng: rng.uniform(0.05, 0.95),
    "positive": lambda rng: rng.uniform(0.2, 5.0),
    "nonnegative": lambda rng: rng.uniform(0.0, 5.0),
}


def _minimiser(f, k):
    """Minimiser of a strictly convex quadratic f: R^k -> R, from 1 + 2k + k(k-1)/2 values."""
    def at(*pairs):
        x = np.zeros(k)
        for i, step in pairs:
            x[i] += step
        return f(x)
    f0 = at()
    grad = np.array([(at((i, 1)) - at((i, -1))) / 2 for i in range(k)])
    hess = np.empty((k, k))
    for i in range(k):
        hess[i, i] = at((i, 1)) + at((i, -1)) - 2 * f0
        for j in range(i):
            hess[i, j] = hess[j, i] = at((i, 1), (j, 1)) - at((i, 1)) - at((j, 1)) + f0
    np.linalg.cholesky(hess)  # raises unless strictly convex: the minimiser is unique
    return np.linalg.solve(hess, -grad)


def _fixed(F, params, cast=float):
    """F with its leading parameters fixed, as a function of one vector."""
    return lambda x: cast(F(*params, *x))


def _as_array(values):
    return np.array(values, dtype=float)


def minimisers_correspond(D, replace, part=0, size=None, samples=20, rtol=1e-7):
    """Cross-check: for the part's definition L0(old) and result L1(new), with old = f(new)
    from ``replace``: L0(f(x)) = L1(x) at random x, and f maps argmin L1 to argmin L0."""
    def run(seed=None):
        q = D.parts[part]
        before, after = D.steps[q.start].expr, q.result
        (old, value), = validated(replace).items()
        known = before.atoms(sp.MatrixSymbol) | before.free_symbols | set(D.dimensions)
        new = new_variable(old, value, known, D.definitions)
        sz = size or {dim: [5, 3, 4, 2][i % 4] for i, dim in enumerate(D.dimensions)}
        g = Grounder(D, sz)
        l0, l1 = (g.scalar(e) for e in (before, after))
        f_map = list(g.ground(value))
        x_old, x_new = list(g.matrix_of(old)), list(g.matrix_of(new))
        params = sorted((l0.free_symbols | l1.free_symbols | set().union(*(e.free_symbols for e in f_map)))
                        - set(x_old) - set(x_new), key=str)
        ctx = Context(D) if seed is None else Context(D, seed)
        rng = np.random.default_rng(ctx.seed)
        F0, F1, M = (compiled(params + xs, e) for e, xs in ((l0, x_old), (l1, x_new), (f_map, x_new)))
        worst = 0.0
        for _ in range(samples):
            pv = [FLOAT_SAMPLERS.get(ctx.domain_of(s).name, FLOAT_SAMPLERS["real"])(rng) for s in params]
            L0, L1, f = _fixed(F0, pv), _fixed(F1, pv), _fixed(M, pv, _as_array)
            x = rng.normal(size=len(x_new))
            checks = [(L0(f(x)), L1(x), "L0(f(x)) vs L1(x) at a random x"),
                      (f(_minimiser(L1, len(x_new))), _minimiser(L0, len(x_old)), "f(argmin L1) vs argmin L0")]
            for a, b, what in checks:
                a, b = np.atleast_1d(a), np.atleast_1d(b)
                err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
                worst = max(worst, err)
                if not err <= rtol:
                    shown = {str(s): f"{v:.6g}" for s, v in zip(params, pv) if not _is_entry(s, g)}
                    cx = Counterexample({str(k): v for k, v in sz.items()}, shown,
                                        np.array2string(a, precision=6), np.array2string(b, precision=6), what)
                    return Verdict(-1, "cross-check", Label.FAILED, f"numpy, {what}", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"numpy floats at {sizes_math([sz])}, {samples} random draws: objectives agree under "
                       f"${latex(old)} = {latex(value)}$ and the minimisers correspond "
                       f"(relative error at most {worst:.1e}, tolerance {rtol:g})",
                       seed=ctx.seed, points=samples)
    return run


def _is_entry(sym, grounder):
    return any(sym in m for m in grounder.entries.values())
