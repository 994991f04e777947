"""Independent checks of a result that do not use the chain nor the moment routine:
exact enumeration of Bernoulli masks, Monte Carlo sampling.  Each returns a Verdict.

Each factory returns ``run(seed=None)``: ``check`` passes its seed, so ``--seed`` reaches every
random point and sample drawn here (None: the default seed)."""
import itertools
import math

from .lazy import numpy as np
import sympy as sp

from .comparison import Context
from .grounding import Grounder, unroll
from .mathobjects import Expectation, MatExpectation, Variance
from .printing import latex, sizes_math
from .randomness import Bernoulli, Normal
from .verdicts import Counterexample, Label, Verdict


def compiled(symbols, expr, arrays=True):
    """expr as a fast Python function of ``symbols``: numpy arrays in and out (``arrays``), else
    floats through ``math``.  The one place cross-checks turn sympy into numbers.  numpy's
    namespace is passed as the module itself: sympy's ``"numpy"`` string runs
    ``from numpy import *``, which imports numpy.f2py, numpy.testing … at the first call."""
    return sp.lambdify(symbols, expr, [np] if arrays else "math", docstring_limit=0)


def _definition_parts(derivation, part=None):
    """(integrand, random quantities, 'mean' or 'variance', stated result) of a part whose
    definition is an expectation or a variance (claimed for every index: checked at index 1)."""
    top = derivation.steps[0 if part is None else derivation.parts[part].start].expr
    result = derivation.result_expr if part is None else derivation.parts[part].result
    if hasattr(top, "ranges") and hasattr(top, "expr"):  # over(...): the entry at index 1
        first = {r[0]: sp.Integer(1) for r in top.ranges}
        top = top.expr.xreplace(first)
        result = result.expr.xreplace(first) if hasattr(result, "ranges") else result.xreplace(first)
    if not isinstance(top, (MatExpectation, Expectation, Variance)):
        raise ValueError("the definition must be an expectation or a variance for this cross-check")
    return top.inner, top.over, "variance" if isinstance(top, Variance) else "mean", result


def _grounded(derivation, size, seed=None, part=None):
    """The definition's integrand and the stated result at one size, and the random entries."""
    ctx = Context(derivation) if seed is None else Context(derivation, seed)
    sz = size or ctx.sizes[0]
    g = Grounder(derivation, sz)
    inner, over, kind, stated = _definition_parts(derivation, part)
    value = _scalar(g.ground(inner)) if getattr(inner, "is_Matrix", False) else g.scalar(unroll(g, inner))
    result = _scalar(g.ground(stated)) if getattr(stated, "is_Matrix", False) else g.scalar(unroll(g, stated))
    for m in over:
        g.matrix_of(m)
    laws = {s: law for m in over for s, law in g.laws_of[m].items()}
    rvars = list(laws)  # the independent draws (a multivariate normal's z, not its entries)
    return ctx, sz, value, result, rvars, laws, kind


def _scalar(g):
    return g[0, 0] if isinstance(g, sp.MatrixBase) else g


def _random_point(ctx, symbols, rng):
    return {s: ctx.domain_of(s).sample(rng, readable=True) for s in sorted(symbols, key=str)}


def enumerate_masks(derivation, size=None, points=3):
    """E over Bernoulli masks by summing over every mask pattern, exactly, at one size."""
    def run(seed=None):
        ctx, sz, value, result, rvars, laws, _ = _grounded(derivation, size, seed)
        rng = ctx.rng(99)
        others = (value.free_symbols | result.free_symbols) - set(rvars)
        for _ in range(points):
            point = _random_point(ctx, others, rng)
            v = sp.expand(value.xreplace(point))
            total = sp.S.Zero
            for mask in itertools.product((0, 1), repeat=len(rvars)):
                prob = sp.S.One
                for var, bit in zip(rvars, mask):
                    p = laws[var].p.xreplace(point)
                    prob *= p if bit else 1 - p
                total += prob * v.xreplace(dict(zip(rvars, mask)))
            expected = sp.nsimplify(result.xreplace(point))
            if sp.simplify(total - expected) != 0:
                cx = Counterexample({str(k): n for k, n in sz.items()},
                                    {str(k): str(v) for k, v in point.items()}, str(total), str(expected),
                                    "enumeration of the definition vs the stated result")
                return Verdict(-1, "cross-check", Label.FAILED, "exact enumeration", counterexample=cx)
        return Verdict(-1, "cross-check", Label.RANDOM,
                       f"all {2 ** len(rvars)} mask patterns summed exactly at {sizes_math([sz])}, "
                       "definition vs result", seed=ctx.seed, points=points)
    return run


def _draws(law, point, gen, samples):
    """Samples of one random entry: Normal as declared; a law known only by its variance
    (ZeroMean, Symmetric) as the normal law with that variance, one law the claim covers."""
    if isinstance(law, Bernoulli):
        return gen.binomial(1, float(sp.sympify(law.p).xreplace(point)), samples).astype(float)
    mean = float(sp.sympify(law.mean).xreplace(point)) if isinstance(law, Normal) else 0.0
    return gen.normal(mean, math.sqrt(float(sp.sympify(law.variance).xreplace(point))), samples)


def monte_carlo(derivation, size=None, samples=200_000, sigmas=5.0, part=None):
    """Sample the random matrices of the definition (of ``part``, else the first) and compare the
    sample mean, or variance, with the stated result."""
    def run(seed=None):
        ctx, sz, value, result, rvars, laws, kind = _grounded(derivation, size, seed, part)
        rng = ctx.rng(7)
        point = _random_point(ctx, (value.free_symbols | result.free_symbols) - set(rvars), rng)
        f = compiled(rvars, value.xreplace(point))
        gen = np.random.default_rng(ctx.seed)
        draws = [_draws(laws[var], point, gen, samples) for var in rvars]
        vals = np.broadcast_to(np.asarray(f(*draws), dtype=float), (samples,))
        if kind == "variance":
            centred = (vals - vals.mean()) ** 2
            est, se = centred.mean(), centred.std(ddof=1) / math.sqrt(samples)
        else:
            est, se = vals.mean(), vals.std(ddof=1) / math.sqrt(samples)
        expected = float(result.xreplace(point))
        ok = abs(est - expected) <= sigmas * se
        method = (f"Monte Carlo, {samples} samples: the sample {kind} lies within {sigmas:g} standard errors of the "
                  f"result ({est:.4g} vs {expected:.4g}, s.e. {se:.2g})")
        if not ok:
            cx = Counterexample({str(k): n for k, n in sz.items()},
                                {str(k): str(v) for k, v in point.items()}, f"{est:.6g}", f"{expected:.6g}",
                                f"Monte Carlo {kind} vs stated result")
            return Verdict(-1, "cross-check", Label.FAILED, method, counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC, method, seed=ctx.seed, points=samples)
    return run


def iterate_sequence(derivation, part=0, terms=12, points=3, rtol=1e-9):
    """A recurrence iterated in floating point from its first value, term by term, against the
    part's stated closed form (at random values of the other symbols)."""
    from .recurrence import Recurrence

    def run(seed=None):
        ctx = Context(derivation) if seed is None else Context(derivation, seed)
        q = derivation.parts[part]
        rec, closed = derivation.steps[q.start].expr, sp.sympify(q.result)
        if not isinstance(rec, Recurrence):
            raise ValueError("the part's definition must be a recurrence for this cross-check")
        others = sorted((closed.free_symbols | rec.step.free_symbols | sp.sympify(rec.base).free_symbols)
                        - {rec.var, rec.prev, rec.index}, key=str)
        step = compiled([rec.prev, rec.index, *others], rec.step, arrays=False)
        base = compiled(others, rec.base, arrays=False)
        form = compiled([rec.var, *others], closed, arrays=False)
        rng, first, worst = ctx.rng(31), int(rec.first), 0.0
        for _ in range(points):
            point = [float(ctx.domain_of(s).sample(rng, readable=True)) for s in others]
            value = float(base(*point))
            for n in range(first, first + terms):
                if n > first:
                    value = float(step(value, n - 1, *point))
                stated = float(form(n, *point))
                error = abs(value - stated) / max(1.0, abs(value))
                worst = max(worst, error)
                if error > rtol:
                    cx = Counterexample({str(rec.var): n}, {str(s): f"{v:.6g}" for s, v in zip(others, point)},
                                        f"{value:.10g}", f"{stated:.10g}", "the iterated sequence vs the closed form")
                    return Verdict(-1, "cross-check", Label.FAILED, "iterated sequence", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"the recurrence iterated in floating point for ${latex(rec.var)} = {first}, \\dots, "
                       f"{first + terms - 1}$ at "
                       f"{points} random points; largest relative error {worst:.1e} (tolerance {rtol:g})",
                       seed=ctx.seed, points=points)
    return run


def convolution_by_numpy(derivation, parts=None, start=-20, stop=100, rtol=1e-12):
    """Parts whose definition is ``convolve(x, h, n, k)`` of two declared signals: numpy.convolve
    of the values of x and h on start..stop−1 (each read from its declaration, exactly, then in
    floats) against the part's stated result at every n from ``start`` to ``stop + start − 1``,
    where the truncation is exact.  Both signals must vanish below ``start``: checked on the 20
    integers before it (a signal that does not is this check's failure, not a pass)."""
    from .fir import SequenceSum, SignalValue, signal_definitions
    from .sequences import sequence_terms, value_at

    def factors(q):
        body = derivation.steps[q.start].expr
        if not (isinstance(body, SequenceSum) and body.limits[0][1:] == (-sp.oo, sp.oo)):
            return None
        k = body.limits[0][0]
        sigs = [f for f in sp.Mul.make_args(body.function) if isinstance(f, SignalValue)]
        if len(sigs) != 2 or len(sp.Mul.make_args(body.function)) != 2 or sigs[0].args[0] != k:
            return None
        (n,) = sigs[1].args[0].free_symbols - {k}
        if sp.expand(sigs[1].args[0] - (n - k)) != 0:
            return None
        return type(sigs[0]), type(sigs[1]), n, q

    def run():
        defs = signal_definitions(derivation)
        chosen = [derivation.parts[i] for i in parts] if parts is not None else derivation.parts
        found = [f for f in map(factors, chosen) if f is not None]
        if not found:
            raise ValueError("no part starts at convolve(x, h, n, k) of two declared signals")
        worst, checked = 0.0, 0
        for x, h, n, q in found:
            values = {}
            for sig in (x, h):
                terms = sequence_terms(sig(n), defs)
                if any(value_at(terms, n, v) != 0 for v in range(start - 20, start)):
                    raise ValueError(f"{sig.__name__} does not vanish below n = {start}")
                values[sig] = np.array([float(value_at(terms, n, v)) for v in range(start, stop)])
            direct = np.convolve(values[x], values[h])  # index i is n = i + 2·start
            stated = sequence_terms(q.result, defs)
            for v in range(start, stop + start):
                got, want = direct[v - 2 * start], float(value_at(stated, n, v))
                err = abs(got - want) / max(1.0, abs(want))
                worst, checked = max(worst, err), checked + 1
                if not err <= rtol:
                    cx = Counterexample({}, {str(n): str(v)}, f"{got:.12g}", f"{want:.12g}",
                                        "numpy convolution vs the stated result")
                    return Verdict(-1, "cross-check", Label.FAILED, "numpy convolution", counterexample=cx)
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       f"numpy.convolve in floats at every ${latex(found[0][2])} = {start}, \\dots, {stop + start - 1}$ "
                       f"({len(found)} part{'s' if len(found) > 1 else ''}): relative error at most "
                       f"{worst:.1e} (tolerance {rtol:g})", points=checked)
    return run
