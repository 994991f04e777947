"""The gradient checker: ∂L/∂w through a declared forward map, differentiated exactly at sizes."""
import pytest
import sympy as sp

from conftest import verdict_of
from derive import Derivation, hadamard
from derive import grad, partial
from derive.convolution import conv, entries, indexer, isum, xcorr
from derive.errors import ProblemError, ShapeMismatch
from derive.printing import latex
from derive.verdicts import Label


def linear(step_of):
    """Y = A w (A n×d), upstream dY (n×1)."""
    D = Derivation("g", "g", "test", "test")
    n, d = D.dims("n d")
    A, w, dY = D.matrix("A", n, d), D.vector("w", d), D.vector("dY", n)
    Y = D.define("Y", A * w)
    return D, grad(Y, w, dY), step_of(dict(A=A, w=w, dY=dY, Y=Y))


def squares(step_of):
    """Y = w ∘ w entrywise, upstream dY."""
    D = Derivation("g", "g", "test", "test")
    d = D.dims("d")
    w, dY = D.vector("w", d), D.vector("dY", d)
    Y = D.define("Y", hadamard(w, w))
    return D, grad(Y, w, dY), step_of(dict(w=w, dY=dY))


def outer(step_of):
    """Y = w wᵀ (d×d), upstream dY (d×d)."""
    D = Derivation("g", "g", "test", "test")
    d = D.dims("d")
    w, dY = D.vector("w", d), D.matrix("dY", d, d)
    Y = D.define("Y", w * w.T)
    return D, grad(Y, w, dY), step_of(dict(w=w, dY=dY))


def quadratic(step_of):
    """Y = wᵀ A w (1×1), upstream dY (1×1)."""
    D = Derivation("g", "g", "test", "test")
    d = D.dims("d")
    A, w, dY = D.matrix("A", d, d), D.vector("w", d), D.matrix("dY", 1, 1)
    Y = D.define("Y", w.T * A * w)
    return D, grad(Y, w, dY), step_of(dict(A=A, w=w, dY=dY))


def convolution(step_of):
    """Y = X ⋆ w (valid cross-correlation), upstream dY."""
    D = Derivation("g", "g", "test", "test")
    n, k = D.dims("n k")
    X, w, dY = D.matrix("X", n, n), D.matrix("w", k, k), D.matrix("dY", n - k + 1, n - k + 1)
    Y = D.define("Y", xcorr(X, w))
    # a grid with three values of each (the entry-by-entry sums have degree 2 in n and k)
    D.check_sizes({n: 4, k: 2}, {n: 4, k: 3}, *({n: a, k: b} for a in (3, 4, 5) for b in (1, 2, 3)
                                                 if (a, b) not in ((4, 2), (4, 3))))
    return D, grad(Y, w, dY), step_of(dict(X=X, w=w, dY=dY, Y=Y, n=n, k=k))


def chain_rule_entries(s):
    i, j, h, l = sp.symbols("i j h l", integer=True, positive=True)
    m = s["n"] - s["k"] + 1
    dy, y, wf = indexer(s["dY"]), indexer(s["Y"]), indexer(s["w"])
    return entries(isum(dy(i, j) * partial(y(i, j), wf(h, l)), (i, 1, m), (j, 1, m)), (h, 1, s["k"]), (l, 1, s["k"]))


VALID = {
    "linear map": (linear, lambda s: s["A"].T * s["dY"]),
    "entrywise square": (squares, lambda s: 2 * hadamard(s["w"], s["dY"])),
    "outer product": (outer, lambda s: (s["dY"] + s["dY"].T) * s["w"]),
    "quadratic form": (quadratic, lambda s: (s["A"] + s["A"].T) * s["w"] * s["dY"]),
    "valid cross-correlation": (convolution, lambda s: xcorr(s["X"], s["dY"])),
    "chain rule entry by entry": (convolution, chain_rule_entries),
}

INVALID = {
    "linear map, sign": (linear, lambda s: -s["A"].T * s["dY"]),
    "linear map, factor 2": (linear, lambda s: 2 * s["A"].T * s["dY"]),
    "entrywise square, factor 2 dropped": (squares, lambda s: hadamard(s["w"], s["dY"])),
    "outer product, dY assumed symmetric": (outer, lambda s: 2 * s["dY"] * s["w"]),
    "quadratic form, A assumed symmetric": (quadratic, lambda s: 2 * s["A"] * s["w"] * s["dY"]),
    "convolution, flipped filter": (convolution, lambda s: conv(s["X"], s["dY"])),
    "convolution, dY transposed": (convolution, lambda s: xcorr(s["X"], s["dY"].T)),
}


def verdict(case):
    build, step_of = case
    D, start, claim = build(step_of)
    D.definition(start)
    D.step(claim, "gradient", "chain-rule-upstream")
    D.result(claim)
    return verdict_of(D, 1)


@pytest.mark.parametrize("name", VALID)
def test_valid_gradient_is_checked_exactly(name):
    v = verdict(VALID[name])
    assert v.label is Label.EXACT, (v.label, v.detail, v.counterexample and v.counterexample.describe())
    assert len(v.sizes) >= 2


@pytest.mark.parametrize("name", INVALID)
def test_wrong_gradient_fails_with_counterexample(name):
    v = verdict(INVALID[name])
    assert v.label is Label.FAILED
    assert v.counterexample is not None and v.counterexample.describe()


def test_counterexample_shows_the_matrices():
    v = verdict(INVALID["convolution, flipped filter"])
    assert {"X", "dY"} <= set(v.counterexample.values)


def test_previous_step_without_gradient_is_undecided():
    D, start, claim = linear(lambda s: s["A"].T * s["dY"])
    D.definition(claim)
    D.step(2 * claim, "gradient", "chain-rule-upstream")
    D.result(2 * claim)
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_step_still_holding_the_gradient_is_undecided():
    D, start, claim = linear(lambda s: s["A"].T * s["dY"])
    D.definition(start)
    D.step(2 * start, "gradient", "chain-rule-upstream")
    D.result(D.steps[-1].expr)
    assert verdict_of(D, 1).label is Label.UNDECIDED


def test_upstream_must_match_the_output_shape():
    D = Derivation("g", "g", "test", "test")
    n, d = D.dims("n d")
    A, w, dY = D.matrix("A", n, d), D.vector("w", d), D.vector("dY", d)
    with pytest.raises(ShapeMismatch):
        grad(A * w, w, dY)


def test_gradient_only_with_respect_to_a_declared_matrix():
    D = Derivation("g", "g", "test", "test")
    n = D.dims("n")
    A, w, dY = D.matrix("A", n, n), D.vector("w", n), D.vector("dY", n)
    with pytest.raises(ProblemError, match="declared matrix"):
        grad(A * w, 2 * w, dY)


def test_printing():
    D, start, _ = linear(lambda s: None)
    assert latex(start) == r"\frac{\partial L}{\partial w}"
    y, wf = indexer(start.output), indexer(start.wrt)
    i, j = sp.symbols("i j", integer=True, positive=True)
    assert latex(partial(y(i, 1), wf(j, 1))) == r"\frac{\partial y_{i}}{\partial w_{j}}"  # a vector entry: one index


def test_upstream_must_not_depend_on_the_variable():
    D = Derivation("g", "g", "test", "test")
    n = D.dims("n")
    A, w = D.matrix("A", n, n), D.vector("w", n)
    with pytest.raises(ProblemError, match="held fixed"):
        grad(A * w, w, 2 * w)


def _ground(D, expr, size):
    from derive.grounding import Grounder
    return Grounder(D, size).ground(expr)


def test_one_mechanism_scalar_upstream_and_point_forms_agree():
    # ∇_w ⟨dY, A w⟩, ∂L/∂w through Y = A w with ∂L/∂Y = dY, and the latter at a point w0: one gradient
    D = Derivation("g", "g", "test", "test")
    n, d = D.dims("n d")
    A, w, w0, dY = D.matrix("A", n, d), D.vector("w", d), D.vector("w0", d), D.vector("dY", n)
    size = {n: 2, d: 3}
    scalar = _ground(D, grad(dY.T * A * w, w), size)
    through = _ground(D, grad(A * w, w, dY), size)
    at = _ground(D, grad(A * w, w, dY, at=w0), size)
    assert scalar == through == at == _ground(D, A.T * dY, size)


def test_a_scalar_gradient_of_a_matrix_is_refused():
    D = Derivation("g", "g", "test", "test")
    n = D.dims("n")
    A, w = D.matrix("A", n, n), D.vector("w", n)
    with pytest.raises(ShapeMismatch, match="scalar"):
        grad(A * w, w)


def test_a_partial_is_of_scalars():
    D = Derivation("g", "g", "test", "test")
    n = D.dims("n")
    A, w = D.matrix("A", n, n), D.vector("w", n)
    with pytest.raises(ProblemError, match="grad"):
        partial(A * w, w[0, 0])
    with pytest.raises(ProblemError, match="one variable"):
        partial(w[0, 0], 2 * w[1, 0])


def test_a_wrong_scalar_gradient_fails_with_a_counterexample():
    D = Derivation("g", "g", "test", "test")
    n, d = D.dims("n d")
    A, w, dY = D.matrix("A", n, d), D.vector("w", d), D.vector("dY", n)
    D.definition(grad(dY.T * A * w, w))
    D.step(A.T * dY, "gradient", "chain-rule-upstream")
    assert verdict_of(D, 1).ok
    D = D.with_step(1, 2 * A.T * dY)
    v = verdict_of(D, 1)
    assert v.label is Label.FAILED and v.counterexample is not None


def test_method_says_only_what_applies():
    """The evidence names an upstream gradient or maxima only where the step has them."""
    from conftest import load
    from derive.checking import check
    ridge = check(load("ridge_regression")).verdicts[0].method
    assert "maximum" not in ridge and "upstream" not in ridge
    pooling = [v.method for v in check(load("pooling_gradients")).verdicts if v.relation.startswith("gradient")]
    assert any("maximum" in m for m in pooling) and any("maximum" not in m for m in pooling)
