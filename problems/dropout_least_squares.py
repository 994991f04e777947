"""Least squares on one data row, without and with inverted dropout (HW5 Q5(a), (c))."""
import itertools
from fractions import Fraction

import numpy as np
import sympy as sp

from derive import (Bernoulli, Counterexample, Derivation, diag, diag_sqrt, E, Equations, hadamard,
                    InvalidVariant, Label, ordered, Param, sqnorm, Verdict)

PARAMS = [
    Param("row", "int_list", [10, 1], meaning="the single data row",
          check=lambda v: None if 2 <= len(v) <= 3 and all(v) else "2 or 3 nonzero features"),
    Param("target", "rational", 11, meaning="its target"),
    Param("keep", "rational", Fraction(1, 2), meaning="the probability that a feature is kept",
          check=lambda v: None if 0 < v < 1 else "a probability strictly between 0 and 1"),
]


def sample(rng):
    d = rng.choice([2, 2, 3])
    return {"row": [rng.choice([v for v in range(-5, 11) if v]) for _ in range(d)],
            "target": rng.choice([v for v in range(-12, 13) if v]),
            "keep": rng.choice([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4)])}


def _num(v):
    return sp.Rational(v.numerator, v.denominator)


def masks(d):
    """Every keep/drop pattern of d features, all kept first (the notebook's order)."""
    return list(itertools.product((1, 0), repeat=d))


def build(row, target, keep):
    p, y0, d0 = _num(keep), _num(target), len(row)
    lam = (1 - p) / p
    xrow = sp.ImmutableMatrix([row])
    patterns = masks(d0)
    rows = sp.ImmutableMatrix([[m * v / p for m, v in zip(mask, row)] for mask in patterns])
    probs = [sp.prod([p if m else 1 - p for m in mask]) for mask in patterns]
    uniform = len(set(probs)) == 1
    D = Derivation(
        name="dropout_least_squares",
        title="Least squares on one data row, with and without dropout",
        source="Homework 5, Q5(a) and (c)",
        statement=(
            rf"Fit weights $w \in \mathbb{{R}}^{{{d0}}}$ to one data row $x = {sp.latex(xrow)}$ with target "
            rf"${sp.latex(y0)}$. (a) Without dropout: the system $x w = {sp.latex(y0)}$ has many solutions; "
            r"give the one of least norm, which least-squares solvers return. (c) With inverted dropout: "
            rf"each feature is kept with probability $p = {sp.latex(p)}$ and a kept feature is scaled by "
            rf"$1/p = {sp.latex(1 / p)}$. Fit the weights by least squares over all keep/drop patterns, "
            r"weighted by their probabilities, in two ways that must agree: on the augmented data set "
            r"of masked rows, and with the Tikhonov form of the expected loss."
        ),
    )
    D.rule("minimum-norm-solution", "among all solutions of x w = y, the one of least norm lies in the row "
           "space: w = x^T (x x^T)^{-1} y", ("<=>",))
    D.rule("multiply-out", "carry out the products of the known matrices", ("<=>",))
    D.rule("weights-rescaled", "name the rescaled weights")
    D.rule("dropout-objective-q4a", "the expected dropout objective of Q4(a), for the weights it multiplies")
    n, d = D.dims("n d")
    ps = D.scalars("p", "probability", "probability that a feature is kept")
    X = D.matrix("X", n, d, "data, one sample per row (general part)")
    y = D.vector("y", n, "targets (general part)")
    w = D.vector("w", d, "weights (general part)")
    R = D.random("R", n, d, Bernoulli(ps), "dropout mask, independent of $X$, $y$, $w$")
    Gamma = D.define("Gamma", diag_sqrt(diag(X.T * X)), "its $j$-th diagonal entry is the norm of column $j$ of $X$")
    wt = D.define("wtilde", w / ps, "the weights as the masked features see them")
    x = D.define("x", xrow, "the data row")
    t = D.define("y_0", sp.ImmutableMatrix([[y0]]), "its target")
    A = D.define("A", rows, "one masked and rescaled copy of the row per keep/drop pattern (all kept first)")
    targets = sp.ImmutableMatrix([y0] * len(patterns))
    Y = D.define("Y", targets, "the target, once per pattern")
    P = None if uniform else D.define("P", sp.ImmutableMatrix(sp.diag(*probs)), "the probabilities of the patterns")
    unknowns = D.unknown(" ".join(f"w_{j + 1}" for j in range(d0)), "the weights fitted to the row")
    wv = sp.ImmutableMatrix(unknowns)

    # (a) no dropout ---------------------------------------------------------------------------
    gram = (xrow * xrow.T)[0, 0]
    w_a = xrow.T * y0 / gram
    D.definition(Equations(wv, ordered(x.T, sp.Inverse(x * x.T), t)), "the least-norm solution of $x w = y_0$",
                 title="(a) Without dropout: the minimum-norm solution")
    D.step(Equations(wv, ordered(sp.Rational(1, gram), x.T, t)), "<=>", "multiply-out",
           rf"$x x^{{\top}} = {' + '.join(f'({v})^2' if v < 0 else f'{v}^2' for v in row)} = {gram}$")
    D.step(Equations(wv, w_a), "<=>", "multiply-out", rf"${sp.latex(y0)}/{gram}$ times $x^{{\top}}$")
    D.result(Equations(wv, w_a))
    det = (xrow.T * xrow).det()
    D.erratum(rf"The reference answer key writes this solution as $(X^{{\top}} X)^{{-1}} X^{{\top}} y$. For a "
              rf"single row $X^{{\top}} X = {sp.latex(xrow.T * xrow)}$ has determinant ${det}$, so that inverse "
              r"does not exist; the numbers it prints are the minimum-norm solution "
              r"$X^{\top} (X X^{\top})^{-1} y$ derived here, which is what a least-squares solver returns.")

    # (c) the expected loss with inverted dropout, in general ------------------------------------
    D.definition(E(R, sqnorm(y - ordered(1 / ps, hadamard(R, X), w))),
                 "the expected loss when kept features are scaled by $1/p$",
                 title="(c) The expected loss with inverted dropout", lhs=r"\mathcal{L}(w)")
    D.eq(E(R, sqnorm(y - hadamard(R, X) * wt)), "weights-rescaled",
         r"$\tfrac{1}{p}(R \circ X) w = (R \circ X)\tilde w$ with $\tilde w = w/p$: dropout without scaling, "
         r"acting on $\tilde w$")
    D.eq(sqnorm(y - ps * X * wt) + ps * (1 - ps) * sqnorm(Gamma * wt), "dropout-objective-q4a",
         r"Q4(a) for the weights $\tilde w$ (the expectation is recomputed here from the Bernoulli masks)")
    D.eq(sqnorm(y - X * w) + (1 - ps) / ps * sqnorm(Gamma * w), "algebra",
         r"$p \tilde w = w$ and $p(1-p)\,\|\Gamma w/p\|^2 = \tfrac{1-p}{p} \|\Gamma w\|^2$")
    D.result(sqnorm(y - X * w) + (1 - ps) / ps * sqnorm(Gamma * w))
    D.note(r"With scaling by $1/p$ the expected design is $X$ itself and the penalty is "
           r"$\tfrac{1-p}{p}\, w^{\top} \operatorname{diag}(X^{\top} X)\, w$; without scaling (Q4) it is "
           r"$pX$ and $p(1-p)$.")

    # (c) route 1: the augmented data set ---------------------------------------------------------
    weights = sp.ImmutableMatrix(sp.eye(len(patterns)) if uniform else sp.diag(*probs))  # equal weights cancel
    normal = (sp.ImmutableMatrix(rows.T * weights * rows), sp.ImmutableMatrix(rows.T * weights * targets))
    if normal[0].det() == 0:
        raise InvalidVariant("the augmented least-squares problem has no unique solution")
    w_c = normal[0].LUsolve(normal[1])
    lhs = ordered(A.T, A, wv) if uniform else ordered(A.T, P, A, wv)
    rhs = ordered(A.T, Y) if uniform else ordered(A.T, P, Y)
    D.definition(Equations(lhs, rhs), "the normal equations of least squares on the masked rows"
                 + (", all equally likely" if uniform else ", weighted by their probabilities"),
                 title="(c) Route 1: least squares on the augmented data set")
    D.step(Equations(ordered(normal[0], wv), normal[1]), "<=>", "multiply-out", "multiply out the products")
    D.step(Equations(wv, w_c), "<=>", "gaussian-elimination",
           rf"the matrix has determinant ${normal[0].det()} \ne 0$, so the solution is unique")
    D.result(Equations(wv, w_c))

    # (c) route 2: the Tikhonov closed form -------------------------------------------------------
    tik = sp.ImmutableMatrix(xrow.T * xrow + lam * sp.diag(*[(xrow.T * xrow)[j, j] for j in range(d0)]))
    w_t = tik.LUsolve(xrow.T * y0)
    D.definition(Equations(ordered(sp.MatAdd(x.T * x, lam * diag(x.T * x)), wv), x.T * t),
                 r"the minimiser of $\|y_0 - x w\|^2 + \tfrac{1-p}{p} \|\Gamma w\|^2$ sets its gradient to 0",
                 title="(c) Route 2: the Tikhonov form of the expected loss")
    D.step(Equations(ordered(tik, wv), xrow.T * y0), "<=>", "multiply-out",
           rf"$\tfrac{{1-p}}{{p}} = {sp.latex(lam)}$")
    D.step(Equations(wv, w_t), "<=>", "gaussian-elimination",
           rf"the matrix has determinant ${tik.det()} \ne 0$, so the solution is unique")
    D.result(Equations(wv, w_t))

    D.crosscheck("the two routes agree exactly; numpy least squares on the masked rows",
                 _routes_agree(row, y0, p, w_c, w_t, w_a))
    return D


def _routes_agree(row, y0, p, w_c, w_t, w_a):
    """Exact agreement of the two routes, then numpy: weighted lstsq on the masked rows, the
    expected loss by enumeration at random weights, and lstsq (minimum norm) for part (a)."""
    def run(seed=0):
        def fail(what, a, b):
            return Verdict(-1, "cross-check", Label.FAILED, what,
                           counterexample=Counterexample({}, {"row": str(row)}, str(a), str(b), what))
        if w_c != w_t:
            return fail("route 1 vs route 2", list(w_c), list(w_t))
        x, pf, yf = np.array(row, float), float(p), float(y0)
        pats = np.array(masks(len(row)), float)
        probs = np.prod(np.where(pats == 1, pf, 1 - pf), axis=1)
        design = pats * x / pf
        sw = np.sqrt(probs)
        found = np.linalg.lstsq(design * sw[:, None], yf * sw, rcond=None)[0]
        if not np.allclose(found, np.array(w_c, float).ravel(), rtol=1e-10, atol=1e-12):
            return fail("numpy weighted lstsq on the masked rows vs the stated solution", found, list(w_c))
        rng = np.random.default_rng(seed)
        for _ in range(20):
            v = rng.normal(size=len(row))
            enumerated = float(probs @ (yf - design @ v) ** 2)
            tikhonov = (yf - x @ v) ** 2 + (1 - pf) / pf * float((x ** 2) @ (v ** 2))
            if not np.isclose(enumerated, tikhonov, rtol=1e-10):
                return fail("expected loss by enumeration vs Tikhonov form", enumerated, tikhonov)
        plain = np.linalg.lstsq(x[None, :], np.array([yf]), rcond=None)[0]
        if not np.allclose(plain, np.array(w_a, float).ravel(), rtol=1e-10):
            return fail("numpy lstsq (minimum norm) vs part (a)", plain, list(w_a))
        return Verdict(-1, "cross-check", Label.NUMERIC,
                       "routes 1 and 2 give the same exact rationals; numpy: weighted lstsq on the masked rows "
                       "gives them (rtol 1e-10), the expected loss summed over all patterns equals the Tikhonov "
                       "form at 20 random weights, and lstsq on the single row (minimum norm) gives part (a)")
    return run


DERIVATION = build(**{p.name: p.default for p in PARAMS})
