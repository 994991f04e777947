"""The derivative checker: a table of valid and invalid derivative steps through declared maps."""
import pytest

from derive.errors import ProblemError
import sympy as sp
from sympy import KroneckerDelta, Sum, sqrt
from conftest import verdict_of

from derive import Derivation
from derive.calculus import forward, indexed, indices, loss, over, partial
from derive.verdicts import Label

i, j, k = indices("i j k")


def setting(sizes=None):
    """A fresh derivation with a few small forward maps of a batch x (and a matrix X)."""
    D = Derivation("deriv", "Derivatives", "test", "Table of derivative steps.")
    n, d = D.dims("n d")
    a = D.scalars("a")
    eps = D.scalars("epsilon", "positive")
    x, g = indexed(D.vector("x", n)), indexed(D.vector("g", n))
    X, G = indexed(D.matrix("X", n, d)), indexed(D.matrix("G", n, d))
    sq = forward(D, "s", a * x[j] ** 2, [(j, n)])
    cen = forward(D, "c", x[j] - Sum(x[k], (k, 1, n)) / n, [(j, n)])
    nrm = forward(D, "r", x[j] / sqrt(Sum(x[k] ** 2, (k, 1, n)) / n + eps), [(j, n)])
    col = forward(D, "m", Sum(X[k, j], (k, 1, n)) / n, [(j, d)])
    out = forward(D, "Y", X[i, j] ** 2 - col[j], [(i, n), (j, d)])
    L = loss(D, "L", {cen: g})  # the loss sees x through the centred batch only
    Ls, Ly, Lb = loss(D, "L", {sq: g}), loss(D, "L", {out: G}), loss(D, "L", {sq: g, cen: g})
    Lm = loss(D, "L", {D.define("M", 2 * cen.symbol): g})  # through a matrix formula
    if sizes:
        D.check_sizes(*sizes(n, d))
    return D, dict(n=n, d=d, a=a, eps=eps, x=x, g=g, X=X, G=G, sq=sq, cen=cen, nrm=nrm, col=col, out=out,
                   L=L, Ls=Ls, Ly=Ly, Lb=Lb, Lm=Lm)


def two_steps(build, sizes=None):
    D, v = setting(sizes)
    before, after = build(**v)
    D.definition(before)
    D.step(after, "derivative", "local-derivatives")
    D.result(after)
    return D


VALID = [
    ("local derivative of a square", lambda n, a, x, sq, **_: (
        over((i, n))(partial(sq[i], x[i])), over((i, n))(2 * a * x[i]))),
    ("chain rule through squares", lambda n, a, x, g, sq, Ls, **_: (
        over((i, n))(partial(Ls.of(sq), x[i])), over((i, n))(2 * a * g[i] * x[i]))),
    ("centring: delta minus 1/n", lambda n, x, cen, **_: (
        over((i, n), (j, n))(partial(cen[j], x[i])), over((i, n), (j, n))(KroneckerDelta(i, j) - 1 / n))),
    ("chain rule written as a sum", lambda n, x, g, cen, L, **_: (
        over((i, n))(partial(L.of(cen), x[i])),
        over((i, n))(Sum(partial(L, cen[j]) * partial(cen[j], x[i]), (j, 1, n))))),
    ("radicand made positive", lambda n, x, eps, nrm, **_: (
        over((i, n))(partial(nrm[i], x[i])),
        over((i, n))(1 / sqrt(Sum(x[k] ** 2, (k, 1, n)) / n + eps)
                     - x[i] ** 2 / (n * (Sum(x[k] ** 2, (k, 1, n)) / n + eps) ** sp.Rational(3, 2))))),
    ("through a matrix formula", lambda n, x, g, Lm, **_: (
        over((i, n))(partial(Lm, x[i])), over((i, n))(2 * g[i] - 2 * Sum(g[j], (j, 1, n)) / n))),
    ("matrix input, non-square", lambda n, d, X, G, out, Ly, **_: (
        over((i, n), (j, d))(partial(Ly.of(out), X[i, j])),
        over((i, n), (j, d))(2 * X[i, j] * G[i, j] - Sum(G[k, j], (k, 1, n)) / n))),
]

WRONG = [  # each must fail with a counterexample
    ("lost factor 2", lambda n, a, x, sq, **_: (
        over((i, n))(partial(sq[i], x[i])), over((i, n))(a * x[i]))),
    ("1/n^2 for 1/n", lambda n, x, cen, **_: (
        over((i, n), (j, n))(partial(cen[j], x[i])), over((i, n), (j, n))(KroneckerDelta(i, j) - 1 / n ** 2))),
    ("the mean ignored", lambda n, x, g, cen, L, **_: (
        over((i, n))(partial(L.of(cen), x[i])), over((i, n))(g[i]))),
    ("wrong index: x_1 for x_i", lambda n, a, x, g, sq, Ls, **_: (
        over((i, n))(partial(Ls.of(sq), x[i])), over((i, n))(2 * a * g[i] * x[1]))),
    ("a matrix formula's factor lost", lambda n, x, g, Lm, **_: (
        over((i, n))(partial(Lm, x[i])), over((i, n))(g[i] - Sum(g[j], (j, 1, n)) / n))),
    ("a path left out", lambda n, a, x, g, sq, Lb, **_: (
        over((i, n))(partial(Lb.of(sq), x[i])), over((i, n))(2 * a * g[i] * x[i]))),
    ("wrong sign", lambda n, x, g, cen, L, **_: (
        over((i, n))(partial(L.of(cen), x[i])), over((i, n))(g[i] + Sum(g[j], (j, 1, n)) / n))),
    ("radicand power -1/2 for -3/2", lambda n, x, eps, nrm, **_: (
        over((i, n))(partial(nrm[i], x[i])),
        over((i, n))(1 / sqrt(Sum(x[k] ** 2, (k, 1, n)) / n + eps)
                     - x[i] ** 2 / (n * sqrt(Sum(x[k] ** 2, (k, 1, n)) / n + eps))))),
    ("summed over the wrong axis", lambda n, d, X, G, out, Ly, **_: (
        over((i, n), (j, d))(partial(Ly.of(out), X[i, j])),
        over((i, n), (j, d))(2 * X[i, j] * G[i, j] - Sum(G[i, k], (k, 1, d)) / n))),
]


@pytest.mark.parametrize("name, build", VALID, ids=[c[0] for c in VALID])
def test_valid_derivative_steps_verify(name, build):
    v = verdict_of(two_steps(build), 1)
    assert v.label is Label.EXACT, (v.label, v.detail, v.counterexample and v.counterexample.describe())
    assert any(all(n >= 2 for n in s.values()) and len(set(s.values())) > 1 for s in v.sizes)


@pytest.mark.parametrize("name, build", WRONG, ids=[c[0] for c in WRONG])
def test_wrong_derivative_steps_fail_with_counterexample(name, build):
    v = verdict_of(two_steps(build), 1)
    assert v.label is Label.FAILED
    assert v.counterexample is not None and v.counterexample.describe()


def test_a_step_without_a_derivative_is_undecided():
    build = VALID[0][1]
    D, v = setting()
    before, after = build(**v)
    D.definition(after)
    D.step(over((i, v["n"]))(3 * v["a"] * v["x"][i]), "derivative", "local-derivatives")
    D.result(D.steps[-1].expr)
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_sizes_that_cannot_tell_are_refused():
    with pytest.raises(ProblemError, match="dimension ≥ 2"):  # refused where the sizes are declared
        two_steps(WRONG[1][1], sizes=lambda n, d: [{n: 1, d: 1}])


def test_a_free_index_outside_over_is_undecided():
    D, v = setting()
    D.definition(partial(v["sq"][i], v["x"][i]))
    D.step(2 * v["a"] * v["x"][i], "derivative", "local-derivatives")
    D.result(D.steps[-1].expr)
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_a_derivative_with_respect_to_an_upstream_gradient_is_undecided():
    D, v = setting()
    each = over((i, v["n"]))
    D.definition(each(partial(v["Ls"], v["g"][i])))
    D.step(each(v["sq"][i]), "derivative", "local-derivatives")
    D.result(D.steps[-1].expr)
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_a_forward_node_used_whole_is_its_formula():
    """sum_j c_j = 0 for the centred batch, written with the node c as a vector."""
    D, v = setting()
    ones = sp.OneMatrix(1, v["n"])
    D.definition(ones * v["cen"].symbol)
    D.eq(sp.ZeroMatrix(1, 1), "algebra")
    D.result(sp.ZeroMatrix(1, 1))
    assert verdict_of(D, 1).label is Label.EXACT
