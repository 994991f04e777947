"""translation_invariance (HW4 Q4(f)): every step verifies, wrong variants (zero padding, unequal
shifts, a shift GAP would see) are rejected with a counterexample, and the objects agree with an
independent numpy model (np.roll and a direct circular correlation)."""
import numpy as np
import pytest
import sympy as sp

from conftest import assert_rejected, load, verdict_of
from derive import conv, global_average, relu, roll, value_at, xcorr
from derive.checking import check
from derive.printing import latex
from derive.verdicts import Label


@pytest.fixture(scope="module")
def ti():
    return load("translation_invariance")


def symbols_of(d, *names):
    found = {str(x.obj): x.obj for x in d.declared}
    return [found[n] for n in names]


def test_every_step_is_checked_exactly(ti):
    report = check(ti)
    assert report.ok and not report.findings
    steps = [v for v in report.verdicts if v.index >= 0]
    # the one step that only writes out a named definition is proved; every other one is exact at sizes
    assert [v.label for v in steps].count(Label.PROVED) == 1
    assert {v.label for v in steps} == {Label.EXACT, Label.PROVED}


def test_zero_padding_does_not_commute_with_a_shift(ti):
    X, K, a, b = symbols_of(ti, "X", "K", "a", "b")
    mutant = ti.with_step(0, xcorr(roll(X, a, b), K, "zeros"))
    v = verdict_of(mutant, 1)
    assert v.label is Label.FAILED and v.counterexample is not None and v.counterexample.describe()


@pytest.mark.parametrize("wrong", [
    lambda X, K, a, b: roll(xcorr(X, K, "circular"), b, a),        # the shifts swapped
    lambda X, K, a, b: roll(xcorr(X, K, "circular"), a, b + 1),    # shifted by a different amount
    lambda X, K, a, b: xcorr(roll(X, a, b), K, "zeros"),           # zero padding on the right-hand side
    lambda X, K, a, b: roll(conv(X, K, "circular"), a, b),         # the filter flipped
])
def test_wrong_commutation_is_rejected(ti, wrong):
    X, K, a, b = symbols_of(ti, "X", "K", "a", "b")
    assert_rejected(ti, 1, wrong(X, K, a, b))


def test_a_shift_the_average_would_see_is_rejected(ti):
    M, a, b = symbols_of(ti, "M", "a", "b")
    index = next(i for i, s in enumerate(ti.steps) if s.rule == "mean-under-permutation")
    assert_rejected(ti, index, global_average(relu(M)))


# -- an independent numpy model ----------------------------------------------------------
def np_xcorr(x, k, circular=True):
    """out[i, j] = Σ_{h,l} x[i+h−t, j+l−s] k[h, l] with t = ⌊(p−1)/2⌋, s = ⌊(q−1)/2⌋ (PyTorch's
    padding="same"), indices mod the size (circular) or zero outside x; written out directly."""
    (n, m), (p, q) = x.shape, k.shape
    t, s = (p - 1) // 2, (q - 1) // 2

    def at(i, j):
        if circular:
            return x[i % n, j % m]
        return x[i, j] if 0 <= i < n and 0 <= j < m else 0
    return np.array([[sum(at(i + h - t, j + l - s) * k[h, l] for h in range(p) for l in range(q))
                      for j in range(m)] for i in range(n)], dtype=float)


np_circular_xcorr = np_xcorr


def np_network(x, A, B, W, beta):
    H = [np.maximum(np_circular_xcorr(x, f), 0) for f in A]
    Z = [np.maximum(sum(np_circular_xcorr(h, f) for h, f in zip(H, row)), 0) for row in B]
    return W @ np.array([z.mean() for z in Z]) + beta


def grounded(d, expr):
    return np.array(value_at(d, expr, {}).tolist(), dtype=float)


@pytest.mark.parametrize("shape, kernel, shift", [((8, 8), (2, 2), (3, 5)), ((5, 7), (3, 2), (-2, 9)),
                                                   ((6, 4), (1, 3), (0, 1))])
def test_objects_agree_with_numpy(ti, shape, kernel, shift):
    rng = np.random.default_rng(1)
    x, k = rng.integers(-9, 10, shape), rng.integers(-9, 10, kernel)
    X, K = sp.ImmutableMatrix(x.tolist()), sp.ImmutableMatrix(k.tolist())
    assert (grounded(ti, xcorr(X, K, "circular")) == np_circular_xcorr(x, k)).all()
    assert (grounded(ti, roll(X, *shift)) == np.roll(x, shift, axis=(0, 1))).all()
    # true convolution: the filter turned by 180°, zero padding: the same windows read from np.pad
    assert (grounded(ti, conv(X, K, "circular")) == np_circular_xcorr(x, k[::-1, ::-1])).all()
    p, q = kernel
    padded = np.pad(x, (((p - 1) // 2, p // 2), ((q - 1) // 2, q // 2)))
    zero = np.array([[(padded[i:i + p, j:j + q] * k).sum() for j in range(shape[1])] for i in range(shape[0])])
    assert (grounded(ti, xcorr(X, K, "zeros")) == zero).all()
    assert float(value_at(ti, global_average(X), {})) == pytest.approx(x.mean())


@pytest.mark.parametrize("seed", range(5))
def test_numpy_network_is_invariant_for_edges_and_random_images(seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(3, 2, 2)), rng.normal(size=(3, 3, 2, 2))
    W, beta = rng.normal(size=(3, 3)), rng.normal(size=3)
    vertical, horizontal = np.zeros((8, 8)), np.zeros((8, 8))
    vertical[:, 4:], horizontal[4:, :] = 1.0, 1.0
    for x in (vertical, horizontal, rng.normal(size=(8, 8))):
        y = np_network(x, A, B, W, beta)
        for shift in [(0, 3), (2, 0), (5, 7)]:
            assert np.allclose(np_network(np.roll(x, shift, axis=(0, 1)), A, B, W, beta), y, atol=1e-12)
    # and zero padding is not translation invariant (the check above is not vacuous)
    k = np.array([[1.0, -1.0], [1.0, -1.0]])  # a vertical-edge detector
    pooled = lambda z: np.maximum(np_xcorr(z, k, circular=False), 0).mean()  # noqa: E731
    assert pooled(vertical) != pooled(np.roll(vertical, (0, 3), axis=(0, 1)))


def test_derive_network_agrees_with_numpy(ti):
    """Z_1 of the derivation, grounded at 8×8 with numbers, against the numpy network's first channel."""
    rng = np.random.default_rng(7)
    x, A, B = rng.integers(-5, 6, (8, 8)), rng.integers(-3, 4, (3, 2, 2)), rng.integers(-3, 4, (3, 3, 2, 2))
    M = lambda v: sp.ImmutableMatrix(v.tolist())  # noqa: E731
    H = [relu(xcorr(M(x), M(f), "circular")) for f in A]
    Z1 = relu(sum((xcorr(h, M(f), "circular") for h, f in zip(H, B[0])), start=sp.ZeroMatrix(8, 8)))
    want = np.maximum(sum(np_circular_xcorr(np.maximum(np_circular_xcorr(x, f), 0), g) for f, g in zip(A, B[0])), 0)
    assert (grounded(ti, Z1) == want).all()
    assert (grounded(ti, roll(Z1, 3, 5)) == np.roll(want, (3, 5), axis=(0, 1))).all()


def test_printing_has_one_pair_of_brackets_and_one_based_shifts(ti):
    X, K, a, b = symbols_of(ti, "X", "K", "a", "b")
    assert latex(roll(xcorr(X, K, "circular"), a, b)) == \
        r"\operatorname{roll}_{a,b}\left(X \star_{\mathrm{circ}} K\right)"
    assert latex(global_average(xcorr(X, K, "zeros"))) == r"\operatorname{GAP}\left(X \star_{\mathrm{zero}} K\right)"
    assert latex(xcorr(roll(X, a, b), K, "circular")) == \
        r"\left(\operatorname{roll}_{a,b}\left(X\right) \star_{\mathrm{circ}} K\right)"


def test_a_shift_must_be_an_integer_and_padding_a_known_kind(ti):
    X, K = symbols_of(ti, "X", "K")
    from derive.errors import ShapeMismatch
    with pytest.raises(ShapeMismatch):
        roll(X, sp.Rational(1, 2), 0)
    with pytest.raises(ShapeMismatch):
        xcorr(X, K, "reflect")


def test_a_wrong_citing_step_is_rejected_by_its_own_check(ti):
    """Step 13 cites (5); dropping the shift of one H_i is not what the citation gives, and the
    step, checked on its own, fails with a counterexample."""
    index = next(s.index for s in ti.steps if s.options.get("using") and s.number == 13)
    H1, H2, H3, B1, B2, B3, a, b = symbols_of(ti, "H_1", "H_2", "H_3", "B_{c1}", "B_{c2}", "B_{c3}", "a", "b")
    star = lambda P, F: xcorr(P, F, "circular")  # noqa: E731
    wrong = relu(star(H1, B1) + star(roll(H2, a, b), B2) + star(roll(H3, a, b), B3))
    v = assert_rejected(ti, index, wrong)
    assert "the result of" not in v.method
