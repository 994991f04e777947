"""pooling_gradients (HW4 Q7(c)): routing and spreading, variants against numpy, wrong steps rejected."""

import numpy as np
import pytest
from derive.params import BadParam
import sympy as sp
from conftest import assert_rejected, load

from derive import loader
from derive.checking import check
from derive.cnn import Kron
from derive.convolution import Entry
from derive.variants import drawn

NAME = "pooling_gradients"
ONES = sp.ImmutableMatrix(sp.ones(2, 2))


@pytest.fixture(scope="module")
def d():
    return load(NAME)


@pytest.fixture(scope="module")
def s(d):
    return d.symbol_table()


def numpy_gradients(x, up):
    """Backward passes of 2×2/stride-2 max and average pooling, written with numpy argmax."""
    r, c = x.shape
    gmax, gavg = np.zeros((r, c)), np.zeros((r, c))
    for i in range(r // 2):
        for j in range(c // 2):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            a, b = np.unravel_index(np.argmax(window), (2, 2))
            gmax[2 * i + a, 2 * j + b] = up[i, j]
            gavg[2 * i:2 * i + 2, 2 * j:2 * j + 2] = up[i, j] / 4
    return gmax, gavg


def value(expr):
    return np.array(sp.ImmutableMatrix(expr.doit()).tolist(), dtype=float)


def test_verifies_and_routes_as_the_reference_says(d, s):
    report = check(d)
    assert report.ok, [(v.index, v.label, v.detail) for v in report.verdicts + report.extras if not v.ok]
    dY = s["dY"]
    x0 = np.array(d.definitions[s["X_0"]].tolist(), dtype=float)
    up = np.array([[1, -2], [3, 4]], dtype=float)
    entries = {Entry(dY, i + 1, j + 1): up[i, j] for i in range(2) for j in range(2)}
    gmax, gavg = numpy_gradients(x0, up)
    assert np.array_equal(value(d.parts[0].result.xreplace(entries)), gmax)
    assert np.array_equal(value(d.parts[1].result.xreplace(entries)), gavg)
    assert np.array_equal(value(d.parts[2].result), gmax) and np.array_equal(value(d.parts[3].result), gavg)
    assert sum(1 for e in d.parts[0].result if e != 0) == 4  # one entry per window


@pytest.mark.parametrize("seed", range(20))
def test_drawn_variants_verify_and_match_numpy(seed):
    (values, der, report), = drawn(NAME, seed, 1)
    assert report.ok
    gmax, gavg = numpy_gradients(np.array(values["input"], dtype=float), np.array(values["upstream"], dtype=float))
    assert np.array_equal(value(der.parts[2].result), gmax)
    assert np.array_equal(value(der.parts[3].result), gavg)


def test_fresh_variants_verify():
    # their speed is a benchmark figure (benchmarks/), never a timed test
    for seed in range(3):
        (_, _, report), = drawn(NAME, 100 + seed, 1)
        assert report.ok


def test_mismatched_upstream_shape_is_bad_usage():
    with pytest.raises(BadParam, match="2×2 upstream gradient"):
        loader.build(NAME, {"upstream": [[1, 2, 3]]})


def test_routing_to_the_minimum_is_rejected(d, s):
    x0 = d.definitions[s["X_0"]]
    argmin = sp.zeros(4, 4)
    for i in range(0, 4, 2):
        for j in range(0, 4, 2):
            cells = [(i + a, j + b) for a in range(2) for b in range(2)]
            argmin[min(cells, key=lambda c: x0[c])] = 1
    v = assert_rejected(d, 1, sp.HadamardProduct(sp.ImmutableMatrix(argmin), Kron(s["dY"], ONES)))
    assert "dY" in v.counterexample.values


def test_max_gradient_copied_to_the_whole_window_is_rejected(d, s):
    assert_rejected(d, 1, Kron(s["dY"], ONES))


def test_max_treated_as_average_is_rejected(d, s):
    assert_rejected(d, 1, sp.MatMul(sp.Rational(1, 4), Kron(s["dY"], ONES)))


def test_average_without_the_quarter_is_rejected(d, s):
    assert_rejected(d, 4, Kron(s["dY"], ONES))


def test_transposed_upstream_gradient_is_rejected(d, s):
    assert_rejected(d, 2, d.steps[2].expr.xreplace({Entry(s["dY"], 1, 2): Entry(s["dY"], 2, 1),
                                                    Entry(s["dY"], 2, 1): Entry(s["dY"], 1, 2)}))


def test_numbers_with_g_transposed_are_rejected(d):
    mask = d.steps[1].expr.args[0]
    wrong = mask.multiply_elementwise(sp.kronecker_product(sp.ImmutableMatrix([[1, 3], [-2, 4]]), ONES))
    assert_rejected(d, 7, sp.ImmutableMatrix(wrong))


def test_the_cross_check_catches_a_wrong_gradient(d):
    differences = loader.module(NAME)[1]["_differences"]
    wrong = d.with_step(7, sp.ImmutableMatrix(sp.zeros(4, 4)))
    G = sp.ImmutableMatrix([[1, -2], [3, 4]])
    x0 = sp.ImmutableMatrix([[2, 7, -1, 4], [5, -3, 8, 0], [-6, 1, 3, 11], [9, -2, 10, 6]])
    assert differences(d, x0, G).ok and not differences(wrong, x0, G).ok
