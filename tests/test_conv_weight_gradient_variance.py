"""conv_weight_gradient_variance: wrong variants are rejected with a counterexample, the
cross-checks catch wrong results, and the objects print as on paper."""
import pytest
import sympy as sp

from conftest import load, verdict_of
from derive import theta
from derive.convolution import (conv, entries, filter_gradient_differences, filter_gradient_monte_carlo, indexer,
                                isum, per_entry, xcorr)
from derive.errors import ShapeMismatch
from derive.printing import latex
from derive.verdicts import Label

NAME = "conv_weight_gradient_variance"
GRADIENT, SGD = "(a) The gradient of the filter", "(a) One SGD step"
MEAN, VARIANCE, GROWTH = ("(b) Mean of each gradient entry", "(b) Variance of each gradient entry",
                          "(b) Growth of the standard deviation")


@pytest.fixture(scope="module")
def D():
    return load(NAME)


def declared(D, name):
    return next(d.obj for d in D.declared if str(d.obj) == name)


def symbols_of(D):
    n, k = D.dimensions
    sx, sg, eta = (declared(D, s) for s in ("sigma_x", "sigma_g", "eta"))
    X, dY, w = (declared(D, s) for s in ("X", "dY", "w"))
    i, j, h, l = sp.symbols("i j h l", integer=True, positive=True)
    return dict(n=n, k=k, sx=sx, sg=sg, eta=eta, X=X, dY=dY, w=w, i=i, j=j, h=h, l=l, m=n - k + 1,
                x=indexer(X), dy=indexer(dY), each=per_entry((h, 1, k), (l, 1, k)))


def step(D, title, position):
    part = next(q for q in D.parts if q.title == title)
    return D.part_steps(part)[position].index


def rejected(D, index, expr):
    """The mutant's step fails with a counterexample a person can read."""
    verdict = verdict_of(D.with_step(index, expr), index)
    assert verdict.label is Label.FAILED, (verdict.label, verdict.detail)
    assert verdict.counterexample is not None and verdict.counterexample.describe()
    return verdict


def gradient_entries(s, body):
    return entries(isum(body, (s["i"], 1, s["m"]), (s["j"], 1, s["m"])), (s["h"], 1, s["k"]), (s["l"], 1, s["k"]))


MUTANTS = {
    "Var with n^2 instead of (n-k+1)^2": (VARIANCE, -1, lambda s: s["each"](s["n"]**2 * s["sx"]**2 * s["sg"]**2)),
    "Var off by one, (n-k)^2": (VARIANCE, -1, lambda s: s["each"]((s["n"] - s["k"])**2 * s["sx"]**2 * s["sg"]**2)),
    "Var missing sigma_g^2": (VARIANCE, -1, lambda s: s["each"]((s["n"] - s["k"] + 1)**2 * s["sx"]**2)),
    "second moments summed without sigma_g^2": (
        VARIANCE, -2, lambda s: s["each"](isum(s["sx"]**2, (s["i"], 1, s["m"]), (s["j"], 1, s["m"])))),
    "Var with (n-k+1) instead of its square": (
        VARIANCE, -1, lambda s: s["each"]((s["n"] - s["k"] + 1) * s["sx"]**2 * s["sg"]**2)),
    "flipped kernel in the entry formula": (
        GRADIENT, 2, lambda s: gradient_entries(
            s, s["dy"](s["i"], s["j"]) * s["x"](s["i"] + s["k"] - s["h"], s["j"] + s["k"] - s["l"]))),
    "dY transposed in the entry formula": (
        GRADIENT, 2, lambda s: gradient_entries(s, s["dy"](s["j"], s["i"]) * s["x"](s["i"] + s["h"] - 1,
                                                                                     s["j"] + s["l"] - 1))),
    "convolution (flipped) instead of cross-correlation": (GRADIENT, 3, lambda s: conv(s["X"], s["dY"])),
    "dY transposed in the matrix form": (GRADIENT, 3, lambda s: xcorr(s["X"], s["dY"].T)),
    "chain rule without the upstream gradient": (
        GRADIENT, 1, lambda s: gradient_entries(s, s["x"](s["i"] + s["h"] - 1, s["j"] + s["l"] - 1))),
    "SGD step up the gradient": (SGD, 1, lambda s: s["w"] + s["eta"] * xcorr(s["X"], s["dY"])),
    "nonzero mean": (MEAN, -1, lambda s: s["each"](s["sx"] * s["sg"])),
    "std off by one": (GROWTH, 2, lambda s: s["each"]((s["n"] - s["k"]) * s["sx"] * s["sg"])),
    "std grows like n^2": (GROWTH, -1, lambda s: theta(s["n"]**2, s["n"])),
    "std grows like sqrt(n)": (GROWTH, -1, lambda s: theta(sp.sqrt(s["n"]), s["n"])),
    "std does not grow": (GROWTH, -1, lambda s: theta(1, s["n"])),
}


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_rejected(D, name):
    title, position, make = MUTANTS[name]
    rejected(D, step(D, title, position), make(symbols_of(D)))


def test_wrong_growth_counterexample_shows_the_trend(D):
    s = symbols_of(D)
    v = rejected(D, step(D, GROWTH, -1), theta(s["n"]**2, s["n"]))
    assert "limit is 0" in v.counterexample.note and "more slowly" in v.counterexample.note
    v = rejected(D, step(D, GROWTH, -1), theta(sp.sqrt(s["n"]), s["n"]))
    assert "faster" in v.counterexample.note


def test_off_by_one_index_leaves_the_input(D):
    s = symbols_of(D)
    bad = gradient_entries(s, s["dy"](s["i"], s["j"]) * s["x"](s["i"] + s["h"], s["j"] + s["l"]))
    with pytest.raises(ShapeMismatch, match="outside"):
        verdict_of(D.with_step(step(D, GRADIENT, 2), bad), step(D, GRADIENT, 2))


def test_sizes_include_output_not_square_to_filter(D):
    n, k = D.dimensions
    assert all(s[n] > s[k] >= 1 for s in D.sizes) and any(s[k] >= 2 for s in D.sizes)
    assert any(s[n] - s[k] + 1 != s[k] for s in D.sizes) and len(D.sizes) >= 3


def test_growth_step_is_proved_and_the_rest_checked_at_sizes(D):
    for index in range(1, len(D.steps)):
        if D.steps[index].relation == "definition":
            continue
        v = verdict_of(D, index)
        expected = Label.PROVED if D.steps[index].relation == "asymptotic" else Label.EXACT
        assert v.label is expected, (index, v.label)


def test_monte_carlo_rejects_a_wrong_variance(D):
    s = symbols_of(D)
    n, k = D.dimensions
    wrong = D.with_step(step(D, VARIANCE, -1), s["each"](s["n"]**2 * s["sx"]**2 * s["sg"]**2))
    v = filter_gradient_monte_carlo(wrong, s["X"], s["dY"], MEAN, VARIANCE, [{n: 5, k: 2}], samples=20_000)()
    assert v.label is Label.FAILED and v.counterexample.describe()
    off = D.with_step(step(D, VARIANCE, -1), s["each"]((s["n"] - s["k"])**2 * s["sx"]**2 * s["sg"]**2))
    v = filter_gradient_monte_carlo(off, s["X"], s["dY"], MEAN, VARIANCE, [{n: 6, k: 3}], samples=20_000)()
    assert v.label is Label.FAILED


def test_monte_carlo_accepts_the_result(D):
    s = symbols_of(D)
    n, k = D.dimensions
    v = filter_gradient_monte_carlo(D, s["X"], s["dY"], MEAN, VARIANCE, [{n: 5, k: 2}, {n: 6, k: 3}])()
    assert v.label is Label.NUMERIC and "standard errors" in v.method


@pytest.mark.parametrize("make", [lambda s: conv(s["X"], s["dY"]), lambda s: xcorr(s["X"], s["dY"].T)])
def test_differences_reject_a_wrong_gradient(D, make):
    s = symbols_of(D)
    n, k = D.dimensions
    wrong = D.with_step(step(D, GRADIENT, -1), make(s))
    v = filter_gradient_differences(wrong, s["X"], s["dY"], GRADIENT, [{n: 5, k: 2}])()
    assert v.label is Label.FAILED and v.counterexample.describe()


@pytest.mark.parametrize("position, expected", [
    (0, r"\frac{\partial L}{\partial w}"),
    (2, r"\left[ \sum_{i,j=1}^{n - k + 1}"),
    (2, r"x_{i + h - 1,\,j + l - 1}"),
    (2, r"\right]_{h,l=1}^{k}"),
    (3, r"\left(X \star dY\right)"),
])
def test_printing(D, position, expected):
    assert expected in latex(D.steps[step(D, GRADIENT, position)].expr)


def test_growth_prints_theta(D):
    assert latex(D.steps[step(D, GROWTH, -1)].expr) == r"\Theta\left(n\right)"


# -- the convolution objects ---------------------------------------------------------------

def grounded(expr, D, size):
    from derive.grounding import Grounder
    return Grounder(D, size).ground(expr)


def test_cross_correlation_and_convolution_ground_as_on_paper(D):
    n, k = D.dimensions
    s = symbols_of(D)
    size = {n: 4, k: 2}
    X = grounded(s["X"], D, size)
    w = grounded(s["w"], D, size)
    Y = grounded(xcorr(s["X"], s["w"]), D, size)
    assert Y.shape == (3, 3)
    assert Y[1, 2] == sum(X[1 + a, 2 + b] * w[a, b] for a in range(2) for b in range(2))
    Z = grounded(conv(s["X"], s["w"]), D, size)
    assert Z[1, 2] == sum(X[1 + a, 2 + b] * w[1 - a, 1 - b] for a in range(2) for b in range(2))


def test_filter_larger_than_input_is_a_shape_error():
    from derive import Derivation
    E = Derivation("t", "t", "t", "t")
    A, K = E.matrix("A", 2, 2), E.matrix("K", 3, 3)
    with pytest.raises(ShapeMismatch):
        xcorr(A, K)


def test_unbound_index_is_undecided(D):
    s = symbols_of(D)
    mutant = D.with_step(step(D, GRADIENT, 2), entries(s["x"](s["i"], s["j"]), (s["h"], 1, s["k"]),
                                                       (s["l"], 1, s["k"])))
    assert verdict_of(mutant, step(D, GRADIENT, 2)).label is Label.UNDECIDED
